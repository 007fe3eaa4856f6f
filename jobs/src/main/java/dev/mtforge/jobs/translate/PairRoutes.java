package dev.mtforge.jobs.translate;

import dev.mtforge.jobs.multiway.Direction;
import dev.mtforge.schemas.InvalidOptionException;
import dev.mtforge.udfs.inference.AdapterRouter;
import dev.mtforge.udfs.inference.Routing;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How each requested direction is translated, decided on the driver before anything runs: one
 * leg with the adapter the routing picks, or, with a pivot, two legs (src→pivot, pivot→tgt) each
 * routed like a direct pair. A non-English pair under an English-centric routing (separate,
 * group, dat, datm) needs an explicit choice: {@code --pivot en}, or {@code --xx-yy-route base}
 * or {@code multilingual}; without one, the error names the pair.
 */
final class PairRoutes {
  /** How non-English pairs are translated when they are not pivoted. */
  enum XxYyRoute {
    /** The base model, no adapter. */
    BASE,
    /** The multilingual adapter ({@link Routing#MULTILINGUAL}'s rules). */
    MULTILINGUAL;

    static XxYyRoute parse(String value, String key) {
      for (XxYyRoute r : values()) {
        if (r.name().toLowerCase(Locale.ROOT).equals(value.strip().toLowerCase(Locale.ROOT))) {
          return r;
        }
      }
      throw new InvalidOptionException("Unknown value '" + value + "' for option " + key + "; known: base, multilingual");
    }
  }

  /**
   * The plan of one requested direction.
   *
   * @param direction the requested direction
   * @param first the direct leg, or the first leg (src→pivot) of a pivoted direction
   * @param second the second leg (pivot→tgt) of a pivoted direction; null when direct
   */
  record Plan(Direction direction, Direction first, Direction second) {
    boolean pivoted() {
      return second != null;
    }
  }

  private final Routing routing;
  private final XxYyRoute xxYyRoute;
  private final String pivot;
  private final AdapterRouter router;
  private final AdapterRouter multilingual;
  private final String pivotKey;
  private final String xxYyKey;

  /**
   * @param xxYyRoute route of non-English pairs that are not pivoted; null = none chosen
   * @param pivot pivot language, or null
   * @param router the routing's router
   * @param multilingual a {@link Routing#MULTILINGUAL} router over the same tables (for
   *     {@link XxYyRoute#MULTILINGUAL})
   */
  PairRoutes(Routing routing, XxYyRoute xxYyRoute, String pivot, AdapterRouter router, AdapterRouter multilingual,
      String pivotKey, String xxYyKey) {
    this.routing = Objects.requireNonNull(routing, "routing");
    this.xxYyRoute = xxYyRoute;
    this.pivot = pivot;
    this.router = router;
    this.multilingual = multilingual;
    this.pivotKey = pivotKey;
    this.xxYyKey = xxYyKey;
  }

  /** The plans of the directions, in order; fails on the first pair that has no route. */
  List<Plan> plan(List<Direction> directions) {
    List<Plan> plans = new ArrayList<>();
    List<Direction> unrouted = new ArrayList<>();
    for (Direction d : directions) {
      if (pivot != null && !d.src().equals(pivot) && !d.tgt().equals(pivot)) {
        plans.add(new Plan(d, new Direction(d.src(), pivot), new Direction(pivot, d.tgt())));
      } else {
        if (d.kind().equals("xx-yy") && englishCentric() && xxYyRoute == null) {
          unrouted.add(d);
        }
        plans.add(new Plan(d, d, null));
      }
    }
    if (!unrouted.isEmpty()) {
      throw new InvalidOptionException(
          "Cannot route " + unrouted.get(0) + (unrouted.size() > 1 ? " (and " + (unrouted.size() - 1) + " more"
              + " non-English pairs)" : "") + " with routing " + routing.label() + ": it routes English-centric pairs"
              + " only (xx-en, en-xx); translate non-English pairs through English with --pivot en (" + pivotKey
              + "), or with --xx-yy-route base|multilingual (" + xxYyKey + ")");
    }
    return plans;
  }

  /**
   * The adapter of one leg; the router's error (naming the pair and the missing table row) if
   * there is none.
   */
  AdapterRouter.Route route(Direction leg) {
    if (leg.kind().equals("xx-yy") && englishCentric()) {
      if (xxYyRoute == XxYyRoute.MULTILINGUAL) {
        return multilingual.route(leg.src(), leg.tgt());
      }
      if (xxYyRoute == XxYyRoute.BASE) {
        return new AdapterRouter.Route(null, null, null);
      }
    }
    return router.route(leg.src(), leg.tgt());
  }

  /** The route of every leg of the plans, each leg once, in first-use order. */
  Map<Direction, AdapterRouter.Route> legRoutes(List<Plan> plans) {
    Map<Direction, AdapterRouter.Route> out = new LinkedHashMap<>();
    for (Plan p : plans) {
      out.computeIfAbsent(p.first(), this::route);
      if (p.pivoted()) {
        out.computeIfAbsent(p.second(), this::route);
      }
    }
    return out;
  }

  private boolean englishCentric() {
    return routing != Routing.NONE && routing != Routing.MULTILINGUAL;
  }
}
