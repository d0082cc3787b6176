package eu.mhealthhub.agora.rounds;

/** A member of a round's panel, with the stakeholder type and country they had when the round was made. */
public record Panellist(long memberId, String displayName, String handle, String stakeholderType, String country) {
}
