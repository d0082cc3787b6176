package eu.mhealthhub.agora.thread;

/**
 * A member to suggest after "@": handle and name, with the affiliation and the
 * {@link eu.mhealthhub.agora.StakeholderType} code from their profile (null when not given).
 */
public record MentionSuggestion(String handle, String displayName, String affiliation, String stakeholderType) {
}
