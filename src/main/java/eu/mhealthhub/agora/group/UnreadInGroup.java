package eu.mhealthhub.agora.group;

/** One of a member's groups with the number of its threads that have posts the member has not read. */
public record UnreadInGroup(long groupId, String slug, long threads) {
}
