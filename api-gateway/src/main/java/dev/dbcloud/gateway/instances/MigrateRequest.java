package dev.dbcloud.gateway.instances;

import dev.dbcloud.common.rules.MigrationRules;
import java.util.List;

/**
 * The body of {@code POST /v1/instances/{name}/migrations}: an application's migrations, to run on its database
 * ({@code appDbName}, by default the application's name).
 */
public record MigrateRequest(String application, String appDbName, List<MigrationRules.Script> migrations,
        Boolean allowBreakingChanges) {

    /** The database the migrations run on. */
    public String database() {
        return appDbName != null ? appDbName : application;
    }
}
