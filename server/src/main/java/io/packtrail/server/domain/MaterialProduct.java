package io.packtrail.server.domain;

/**
 * What a material lot is: a recovered salt or metal, or black mass for further treatment.
 *
 * <p>A salt or metal is at least a known share of its defining element: the share in its most
 * hydrated form in trade (NiSO4·7H2O is 20.9 % nickel). A lot named such a product holds at
 * least that share, times {@link #PURITY_FLOOR}, of its mass as that element, so a lot cannot
 * claim more product than its element content makes: 10 t of "NiSO4" from 5 kg of nickel is
 * refused. Black mass has no fixed composition; its bound is the inputs' mass (see
 * Lifecycle).
 */
public enum MaterialProduct {
  MNSO4(3, 0.2463, "MnSO4·4H2O"),
  CO3O4(2, 0.7342, "Co3O4"),
  COSO4(2, 0.2096, "CoSO4·7H2O"),
  NISO4(1, 0.2089, "NiSO4·7H2O"),
  LI2CO3(0, 0.1878, "Li2CO3"),
  LIOH(0, 0.1653, "LiOH·H2O"),
  BLACK_MASS(-1, 0, null),
  COPPER(4, 1.0, "Cu"),
  ALUMINIUM(5, 1.0, "Al");

  /**
   * The least share of its product a lot is taken to be (the rest moisture and impurities):
   * battery-grade salts are 99 % and more, technical grades 95 %; four fifths leaves room for
   * crude intermediates while still bounding a lot's mass by its element content.
   */
  public static final double PURITY_FLOOR = 0.8;

  private final int element;
  private final double elementShare;
  private final String form;

  MaterialProduct(int element, double elementShare, String form) {
    this.element = element;
    this.elementShare = elementShare;
    this.form = form;
  }

  /**
   * The largest mass in kg a lot of this product may have with {@code elements}: its defining
   * element's mass over that element's share of the product and the purity floor; unbounded for
   * black mass. Rounded down to the gram, as the lot's figures are kept.
   */
  public double maxMassKg(ElementMasses elements) {
    if (element < 0) {
      return Double.POSITIVE_INFINITY;
    }
    return Math.floor(elements.values()[element] / (elementShare * PURITY_FLOOR) * 1000) / 1000;
  }

  /** Why a lot of {@code massKg} exceeds {@link #maxMassKg}, in words; null for black mass. */
  String boundReason(ElementMasses elements, double massKg) {
    if (element < 0) {
      return null;
    }
    String key = ElementMasses.KEYS[element];
    return "a lot of " + name() + " of " + CanonicalFields.decimal(massKg) + " kg holds "
        + CanonicalFields.decimal(elements.values()[element]) + " kg of " + key + ", so it can be "
        + "at most " + CanonicalFields.decimal(maxMassKg(elements)) + " kg (" + form + " is "
        + String.format(java.util.Locale.ROOT, "%.1f", elementShare * 100) + " % " + key
        + ", and a lot is taken to be at least " + Math.round(PURITY_FLOOR * 100) + " % its "
        + "product)";
  }
}
