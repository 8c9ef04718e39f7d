package dev.dbcloud.status.query;

import java.time.Instant;

/**
 * An application database on an instance.
 *
 * @param owner the role that owns it (the instance's admin user); null if not known yet
 * @param createdAt the earliest time an event showed it exists
 */
record AppDatabase(String name, String owner, Instant createdAt) {
}
