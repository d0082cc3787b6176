package eu.mhealthhub.agora.rounds;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Arrays;
import java.util.List;

/**
 * The figures of one statement's ratings: the distribution over the scale, median, quartiles and
 * interquartile range. Quartiles interpolate linearly between order statistics (Hyndman and Fan's
 * type 7, the default of R and of spreadsheets' QUARTILE.INC): for n sorted ratings the p-quantile
 * sits at position (n - 1) p, so the median of 1, 2, 3, 4 is 2.5, its first quartile 1.75.
 */
public record RatingStatistics(Scale scale, int[] counts, int count, double median, double q1, double q3) {

  public static RatingStatistics of(Scale scale, List<Integer> ratings) {
    int[] counts = new int[scale.max() + 1];
    int[] sorted = ratings.stream().mapToInt(Integer::intValue).sorted().toArray();
    for (int r : sorted) {
      if (!scale.contains(r)) {
        throw new IllegalArgumentException("rating outside the scale: " + r);
      }
      counts[r]++;
    }
    if (sorted.length == 0) {
      return new RatingStatistics(scale, counts, 0, Double.NaN, Double.NaN, Double.NaN);
    }
    return new RatingStatistics(scale, counts, sorted.length, quantile(sorted, 0.5), quantile(sorted, 0.25),
        quantile(sorted, 0.75));
  }

  static double quantile(int[] sorted, double p) {
    double h = (sorted.length - 1) * p;
    int lo = (int) Math.floor(h);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
  }

  public double iqr() {
    return q3 - q1;
  }

  /** How many rated {@code value}. */
  public int countOf(int value) {
    return scale.contains(value) ? counts[value] : 0;
  }

  public int atLeast(int value) {
    return Arrays.stream(counts, Math.max(1, value), counts.length).sum();
  }

  public int atMost(int value) {
    return Arrays.stream(counts, 1, Math.min(value, scale.max()) + 1).sum();
  }

  public int between(int from, int to) {
    return from > to ? 0 : atMost(to) - atMost(from - 1);
  }

  /** {@code part} of the ratings in per cent, one decimal, as text ("66.7"); "0" when there are none. */
  public String percent(int part) {
    return count == 0 ? "0" : format(BigDecimal.valueOf(part * 100L).divide(BigDecimal.valueOf(count), 1,
        RoundingMode.HALF_UP).doubleValue());
  }

  /** A figure as people write it: 7, 6.5, 1.75. */
  public static String format(double value) {
    if (Double.isNaN(value)) {
      return "–";
    }
    return BigDecimal.valueOf(value).setScale(2, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RatingStatistics s && s.scale == scale && Arrays.equals(s.counts, counts);
  }

  @Override
  public int hashCode() {
    return scale.hashCode() * 31 + Arrays.hashCode(counts);
  }

  @Override
  public String toString() {
    return "RatingStatistics" + Arrays.toString(counts);
  }
}
