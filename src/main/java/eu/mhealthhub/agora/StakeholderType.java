package eu.mhealthhub.agora;

import java.util.Arrays;
import java.util.Optional;

/**
 * Which part of health care a member speaks for (issue 14). A kernel type because member lists and
 * mention suggestions in other features show it; its label is the message {@code stakeholder.<code>}.
 */
public enum StakeholderType {
  PATIENT("patient"),
  PATIENT_ORGANISATION("patient_org"),
  CLINICIAN("clinician"),
  PAYER("payer"),
  HTA_BODY("hta"),
  REGULATOR("regulator"),
  PUBLIC_AUTHORITY("public_authority"),
  INDUSTRY("industry"),
  ACADEMIA("academia"),
  OTHER("other");

  private final String code;

  StakeholderType(String code) {
    this.code = code;
  }

  /** What is stored in {@code members.stakeholder_type} and sent in forms. */
  public String code() {
    return code;
  }

  /** The message key of its label. */
  public String label() {
    return "stakeholder." + code;
  }

  /** The type with this code; empty for null or anything else. */
  public static Optional<StakeholderType> of(String code) {
    return Arrays.stream(values()).filter(t -> t.code.equals(code)).findFirst();
  }

  /** The label's message key for a stored code, or null when there is none. */
  public static String labelOf(String code) {
    return of(code).map(StakeholderType::label).orElse(null);
  }
}
