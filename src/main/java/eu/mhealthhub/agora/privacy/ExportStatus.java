package eu.mhealthhub.agora.privacy;

import java.util.Locale;

/** Where a data export is: waiting for a worker, being prepared, ready to download (24 hours), or failed. */
public enum ExportStatus {
  QUEUED, RUNNING, READY, FAILED;

  /** Still being prepared: a new request gets this one instead of a second. */
  public boolean pending() {
    return this == QUEUED || this == RUNNING;
  }

  /** The message key of the status shown on the export page. */
  public String label() {
    return "export.status." + name().toLowerCase(Locale.ROOT);
  }
}
