package eu.mhealthhub.agora.thread;

/** A member offered after "@" in a post editor. */
public record MentionSuggestion(String handle, String displayName) {
}
