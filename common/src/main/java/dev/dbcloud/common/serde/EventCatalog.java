package dev.dbcloud.common.serde;

import dev.dbcloud.events.BackupsChanged;
import dev.dbcloud.events.CreateDatabaseRequested;
import dev.dbcloud.events.DatabaseCreated;
import dev.dbcloud.events.DatabaseCreationFailed;
import dev.dbcloud.events.DestroyFailed;
import dev.dbcloud.events.DestroyRequested;
import dev.dbcloud.events.InstanceDestroyed;
import dev.dbcloud.events.InstanceHealthChanged;
import dev.dbcloud.events.InstanceLinked;
import dev.dbcloud.events.InstanceProvisioned;
import dev.dbcloud.events.InstanceRestored;
import dev.dbcloud.events.InstanceStarted;
import dev.dbcloud.events.InstanceStopped;
import dev.dbcloud.events.InstanceUnlinked;
import dev.dbcloud.events.LinkFailed;
import dev.dbcloud.events.LinkRequested;
import dev.dbcloud.events.MigrateRequested;
import dev.dbcloud.events.MigrationFailed;
import dev.dbcloud.events.MigrationSucceeded;
import dev.dbcloud.events.PasswordReset;
import dev.dbcloud.events.PasswordResetFailed;
import dev.dbcloud.events.PasswordResetRequested;
import dev.dbcloud.events.ProvisionFailed;
import dev.dbcloud.events.ProvisionRequested;
import dev.dbcloud.events.RestoreFailed;
import dev.dbcloud.events.RestoreRequested;
import dev.dbcloud.events.StartFailed;
import dev.dbcloud.events.StartRequested;
import dev.dbcloud.events.StopFailed;
import dev.dbcloud.events.StopRequested;
import dev.dbcloud.events.UnlinkFailed;
import dev.dbcloud.events.UnlinkRequested;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Every record type that travels on dbcloud's topics, with the schema versions released before the current
 * one.
 *
 * <p>A released version of {@code Name} lives at {@code dbcloud/avro-history/Name/v<N>.avsc} on the class
 * path (N from 1, without gaps); readers resolve records written with any of them against the current
 * schema.
 */
public final class EventCatalog {

    static final String HISTORY_ROOT = "dbcloud/avro-history/";

    /** The record types; a build test checks that every schema in the contract is listed. */
    public static final List<Class<? extends SpecificRecordBase>> TYPES = List.of(
            ProvisionRequested.class, DestroyRequested.class, PasswordResetRequested.class,
            LinkRequested.class, UnlinkRequested.class, CreateDatabaseRequested.class, MigrateRequested.class,
            StopRequested.class, StartRequested.class, RestoreRequested.class,
            InstanceProvisioned.class, ProvisionFailed.class, InstanceDestroyed.class, DestroyFailed.class,
            PasswordReset.class, PasswordResetFailed.class, InstanceLinked.class, LinkFailed.class,
            InstanceUnlinked.class, UnlinkFailed.class, InstanceHealthChanged.class, DatabaseCreated.class,
            DatabaseCreationFailed.class,
            MigrationSucceeded.class, MigrationFailed.class, InstanceStopped.class, StopFailed.class,
            InstanceStarted.class, StartFailed.class, InstanceRestored.class, RestoreFailed.class,
            BackupsChanged.class);

    /** The released earlier versions of a record's schema, oldest first. */
    public static List<Schema> history(Class<? extends SpecificRecordBase> type) {
        List<Schema> versions = new ArrayList<>();
        ClassLoader loader = EventCatalog.class.getClassLoader();
        for (int version = 1; ; version++) {
            String path = HISTORY_ROOT + type.getSimpleName() + "/v" + version + ".avsc";
            try (InputStream in = loader.getResourceAsStream(path)) {
                if (in == null) {
                    return versions;
                }
                versions.add(new Schema.Parser().parse(in));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + path, e);
            }
        }
    }

    private EventCatalog() {
    }
}
