package io.cxexporter.model;

import java.time.Instant;
import java.util.Objects;

/**
 * One survey answer: a CSAT rating (good/bad as 1/0 on a 0..1 scale, or 1-5), an NPS answer (0-10)
 * or a CES answer (typically 1-7).
 *
 * <p>The dimension fields ({@code group}, {@code priority}, {@code channel}) may be left null: the
 * KPI engine then takes them from the linked ticket, if it knows it.
 *
 * @param id the vendor's id of the response
 * @param updatedAt when this version was last changed
 * @param kind csat, nps or ces
 * @param score the answer on the scale
 * @param scaleMin the lowest possible answer (0 for good/bad and NPS, 1 for 1-5)
 * @param scaleMax the highest possible answer
 * @param respondedAt when the customer answered; puts the response in a window
 * @param ticketId the ticket the response is about, or null
 */
public record SurveyResponse(
    String id,
    Instant updatedAt,
    SurveyKind kind,
    double score,
    double scaleMin,
    double scaleMax,
    Instant respondedAt,
    String ticketId,
    String group,
    Priority priority,
    String channel)
    implements Record {

  public SurveyResponse {
    Checks.id(id, "id");
    Objects.requireNonNull(updatedAt, "updatedAt");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(respondedAt, "respondedAt");
    Checks.time(updatedAt, "updatedAt");
    Checks.time(respondedAt, "respondedAt");
    if (!(scaleMax > scaleMin) || score < scaleMin || score > scaleMax) {
      throw new IllegalArgumentException(
          "score " + score + " outside scale " + scaleMin + ".." + scaleMax + " for " + id);
    }
  }

  /**
   * Whether a CSAT answer counts as satisfied: "good" on a two-point scale, otherwise the top two
   * points of the scale (4-5 of 5).
   */
  public boolean satisfied() {
    if (scaleMax - scaleMin <= 1) {
      return score >= scaleMax;
    }
    return score >= scaleMax - 1;
  }

  /** NPS promoter (9-10). */
  public boolean promoter() {
    return score >= 9;
  }

  /** NPS detractor (0-6). */
  public boolean detractor() {
    return score <= 6;
  }

  /** The label value for {@code cx_survey_responses_total{score}}: good/bad or the number. */
  public String scoreLabel() {
    if (kind == SurveyKind.CSAT && scaleMax - scaleMin <= 1) {
      return score >= scaleMax ? "good" : "bad";
    }
    long rounded = Math.round(score);
    return rounded == score ? Long.toString(rounded) : Double.toString(score);
  }
}
