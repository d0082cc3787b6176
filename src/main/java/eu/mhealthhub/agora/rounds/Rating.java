package eu.mhealthhub.agora.rounds;

/** One panellist's answer to one statement: a rating with an optional reason, or a recusal. */
public record Rating(long statementId, long memberId, Integer rating, String reason, boolean recused,
    Integer declarationVersion) {
}
