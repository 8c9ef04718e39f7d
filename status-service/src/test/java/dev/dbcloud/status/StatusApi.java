package dev.dbcloud.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

/**
 * The internal query API as the gateway sees it: plain JSON read into records that spell the contract's field
 * names, with enums and timestamps left as the strings on the wire.
 */
final class StatusApi {

    record InstanceView(String name, String hostName, Integer port, String status, String statusReason,
            String adminUsername, String driver, String createdAt, String updatedAt, RestoredFromView restoredFrom) {

        /** An instance in a status that has no reason to show, not made by a restore. */
        InstanceView(String name, String hostName, Integer port, String status, String adminUsername, String driver,
                String createdAt, String updatedAt) {
            this(name, hostName, port, status, null, adminUsername, driver, createdAt, updatedAt, null);
        }
    }

    record RestoredFromView(String instanceName, String pointInTime) {
    }

    record OperationView(String id, String type, String instanceName, String status, ErrorView error, String createdAt,
            String updatedAt, RestorePointView restorePoint) {

        /** An operation without a restore point. */
        OperationView(String id, String type, String instanceName, String status, ErrorView error, String createdAt,
                String updatedAt) {
            this(id, type, instanceName, status, error, createdAt, updatedAt, null);
        }
    }

    record ErrorView(String code, String message) {
    }

    record RestorePointView(String name, String createdAt) {
    }

    record BackupsView(String instanceName, String earliestRestorableTime, String latestRestorableTime,
            List<BaseBackupView> backups) {
    }

    record BaseBackupView(String startedAt, String finishedAt, long sizeBytes) {
    }

    record DatabaseView(String name, String owner, String createdAt) {
    }

    /** One page of a list. */
    record PageView<T>(List<T> items, String next) {
    }

    record MigrationsView(String database, String currentVersion, String lastSucceededAt, List<AppliedView> applied,
            MigrationFailureView lastFailure, List<HistoryRestorePointView> restorePoints) {

        /** A history without restore points. */
        MigrationsView(String database, String currentVersion, String lastSucceededAt, List<AppliedView> applied,
                MigrationFailureView lastFailure) {
            this(database, currentVersion, lastSucceededAt, applied, lastFailure, List.of());
        }
    }

    record HistoryRestorePointView(String operationId, String name, String createdAt) {
    }

    record AppliedView(String version, String description, Integer checksum, String appliedAt, long durationMillis) {
    }

    record MigrationFailureView(String operationId, String version, String reason, String sqlState, String message,
            String occurredAt) {
    }

    private final RestClient http;

    /** As the gateway calls it, with the service token. */
    StatusApi(int port, String serviceToken) {
        this(RestClient.builder().defaultHeader("Authorization", "Bearer " + serviceToken), port);
    }

    /** With whatever {@code builder} sends, or nothing. */
    StatusApi(RestClient.Builder builder, int port) {
        this.http = builder.baseUrl("http://localhost:" + port).build();
    }

    /** The first page of the tenant's instances, which the tests keep smaller than a page. */
    List<InstanceView> instances(String tenant) {
        PageView<InstanceView> page = instances(tenant, "");
        assertThat(page.next()).as("the last page has no next").isNull();
        return page.items();
    }

    /** A page of the tenant's instances; {@code query} is the query string (limit, cursor), or empty. */
    PageView<InstanceView> instances(String tenant, String query) {
        return http.get().uri("/internal/tenants/{tenant}/instances" + query, tenant)
                .retrieve().body(new ParameterizedTypeReference<PageView<InstanceView>>() { });
    }

    Optional<InstanceView> instance(String tenant, String name) {
        return find(InstanceView.class, "/internal/tenants/{tenant}/instances/{name}", tenant, name);
    }

    /** The instance's ETag, unquoted: the id of the last event applied to it; empty on 404 or without one. */
    Optional<String> instanceVersion(String tenant, String name) {
        ResponseEntity<String> answer = raw("/internal/tenants/" + tenant + "/instances/" + name);
        return Optional.ofNullable(answer.getHeaders().getETag())
                .filter(tag -> answer.getStatusCode() == HttpStatus.OK)
                .map(tag -> tag.replace("\"", ""));
    }

    Optional<OperationView> operation(String tenant, UUID id) {
        return find(OperationView.class, "/internal/tenants/{tenant}/operations/{id}", tenant, id);
    }

    /** The current instance's operations; the test fails if there is no current instance of that name. */
    List<OperationView> operations(String tenant, String instanceName) {
        PageView<OperationView> page = operations(tenant, instanceName, "");
        assertThat(page.next()).as("the last page has no next").isNull();
        return page.items();
    }

    /** A page of the current instance's operations; {@code query} is the query string (limit, cursor), or empty. */
    PageView<OperationView> operations(String tenant, String instanceName, String query) {
        return http.get().uri("/internal/tenants/{tenant}/instances/{name}/operations" + query, tenant, instanceName)
                .retrieve().body(new ParameterizedTypeReference<PageView<OperationView>>() { });
    }

    /** The current instance's databases; the test fails if there is no current instance of that name. */
    List<DatabaseView> databases(String tenant, String instanceName) {
        PageView<DatabaseView> page = databases(tenant, instanceName, "");
        assertThat(page.next()).as("the last page has no next").isNull();
        return page.items();
    }

    /** A page of the current instance's databases; {@code query} is the query string (limit, cursor), or empty. */
    PageView<DatabaseView> databases(String tenant, String instanceName, String query) {
        return http.get().uri("/internal/tenants/{tenant}/instances/{name}/databases" + query, tenant, instanceName)
                .retrieve().body(new ParameterizedTypeReference<PageView<DatabaseView>>() { });
    }

    /** A database's migration history, or empty on 404 (no current instance of that name, or no such database). */
    Optional<MigrationsView> migrations(String tenant, String instanceName, String database) {
        return find(MigrationsView.class, "/internal/tenants/{tenant}/instances/{name}/databases/{database}/migrations",
                tenant, instanceName, database);
    }

    /** The instance's backups and restorable window, or empty on 404 (no current instance of that name). */
    Optional<BackupsView> backups(String tenant, String instanceName) {
        return find(BackupsView.class, "/internal/tenants/{tenant}/instances/{name}/backups", tenant, instanceName);
    }

    /** Any GET, answered as status, headers and raw body, whatever the status. */
    ResponseEntity<String> raw(String path) {
        return http.get().uri(path).exchange((request, response) ->
                ResponseEntity.status(response.getStatusCode()).headers(response.getHeaders())
                        .body(response.bodyTo(String.class)));
    }

    /** 200 with the body, or empty on 404; any other answer fails the test. */
    private <T> Optional<T> find(Class<T> type, String uri, Object... variables) {
        return http.get().uri(uri, variables).exchange((request, response) -> {
            if (response.getStatusCode() == HttpStatus.NOT_FOUND) {
                return Optional.empty();
            }
            assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
            return Optional.of(response.bodyTo(type));
        });
    }
}
