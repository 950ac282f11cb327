-- Deliveries of the resource pool's allocations (issue 15): each is an entry of the assistance
-- ledger (so the 4W and the coverage map count it), tied here to the allocated pair it delivers.
CREATE TABLE pool_deliveries (
    id              INTEGER PRIMARY KEY,
    allocation_id   INTEGER NOT NULL REFERENCES pool_allocations(id),
    assistance_id   INTEGER NOT NULL REFERENCES assistance(id),
    quantity        INTEGER NOT NULL CHECK (quantity > 0),
    created_by      INTEGER NOT NULL REFERENCES users(id),
    created_at      TEXT NOT NULL,
    UNIQUE (assistance_id)
);
CREATE INDEX pool_deliveries_allocation ON pool_deliveries(allocation_id);
