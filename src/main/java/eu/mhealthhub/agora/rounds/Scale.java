package eu.mhealthhub.agora.rounds;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * The scale a round's panel rates on: 1-9 (RAND/UCLA) or a 5-point agreement scale. Each knows the
 * bands and median its default consensus rule uses.
 */
public enum Scale {
  NINE("nine", 9, 7, 3, 7),
  FIVE("five", 5, 4, 2, 4);

  private final String code;
  private final int max;
  private final int defaultForFrom;
  private final int defaultAgainstTo;
  private final int defaultMedian;

  Scale(String code, int max, int defaultForFrom, int defaultAgainstTo, int defaultMedian) {
    this.code = code;
    this.max = max;
    this.defaultForFrom = defaultForFrom;
    this.defaultAgainstTo = defaultAgainstTo;
    this.defaultMedian = defaultMedian;
  }

  public String code() {
    return code;
  }

  public int min() {
    return 1;
  }

  public int max() {
    return max;
  }

  public boolean contains(int value) {
    return value >= 1 && value <= max;
  }

  public int[] points() {
    return IntStream.rangeClosed(1, max).toArray();
  }

  /** The message key naming a point of the scale ("1 - strongly disagree" on the 5-point scale). */
  public String pointLabel(int value) {
    return "rounds.scale." + code + "." + value;
  }

  /** At least 75% in the upper band and a median in it for "in favour", 75% in the lower band for "against". */
  public ConsensusRule defaultRule() {
    return new ConsensusRule(75, defaultForFrom, defaultMedian, 75, defaultAgainstTo);
  }

  public static Optional<Scale> of(String code) {
    return Arrays.stream(values()).filter(s -> s.code.equals(code)).findFirst();
  }
}
