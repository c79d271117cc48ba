package io.cxexporter.store;

/** Test access to the store's fault hooks from other packages' tests. */
public final class StoreFaults {
  private StoreFaults() {}

  /** Caps the state file at its current size (a full disk); {@link #freeSpace} lifts the cap. */
  public static void fillDisk(Store store) {
    try {
      store.limitPages(StoreRecoveryTest.pageCount(store));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Lifts the cap of {@link #fillDisk}. */
  public static void freeSpace(Store store) {
    store.limitPages(0);
  }
}
