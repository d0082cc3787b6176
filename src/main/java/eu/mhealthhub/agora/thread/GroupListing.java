package eu.mhealthhub.agora.thread;

import java.util.List;

/** A page of a group's threads as one viewer sees them, and how that viewer follows the group. */
public record GroupListing(List<ThreadSummary> threads, SubscriptionLevel level) {}
