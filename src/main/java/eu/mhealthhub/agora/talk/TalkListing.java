package eu.mhealthhub.agora.talk;

import java.time.Instant;

/**
 * A Talk as a short list shows it (the home page's upcoming and recent Talks): its address, title and
 * start. Talks are public. Small on purpose: a shared page's key holds it, and is compared on every view.
 */
public record TalkListing(String slug, String title, Instant startsAt) {}
