package eu.mhealthhub.agora.search;

/** A title offered under the search box as the reader types: a thread, document or Talk. */
public record Suggestion(String kind, String title, String url, String groupName) {}
