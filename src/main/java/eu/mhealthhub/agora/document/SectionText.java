package eu.mhealthhub.agora.document;

/** One section's Markdown as it read in one revision. */
public record SectionText(int revision, String markdown) {
}
