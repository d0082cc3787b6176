package eu.mhealthhub.agora.thread;

/** One member's reaction of one kind (a {@link Reactions.Kind} name) to a post. */
public record Reaction(String kind, String displayName) {
}
