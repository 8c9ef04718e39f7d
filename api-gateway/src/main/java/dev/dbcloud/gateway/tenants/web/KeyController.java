package dev.dbcloud.gateway.tenants.web;

import dev.dbcloud.common.rules.TenantRules;
import dev.dbcloud.gateway.access.ApiKeys.IssuedKey;
import dev.dbcloud.gateway.access.ApiKeys.StoredKey;
import dev.dbcloud.gateway.access.ApiKeys;
import dev.dbcloud.gateway.access.Caller;
import dev.dbcloud.gateway.paging.Page;
import dev.dbcloud.gateway.paging.PageRequest;
import dev.dbcloud.gateway.refusals.NotFoundException;
import dev.dbcloud.gateway.refusals.ValidationFailedException;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /v1/keys}: a tenant's own API keys. A key is shown once, when created; revoking one takes effect at once. */
@RestController
@Tag(name = "keys", description = "Your tenant's API keys.")
class KeyController {

    private final ApiKeys keys;

    KeyController(ApiKeys keys) {
        this.keys = keys;
    }

    /** 201 with the key, shown this once, and its {@code Location} ({@code GET /v1/keys/{id}}, which never shows it). */
    @PostMapping("/v1/keys")
    @ApiResponse(responseCode = "201", description = "The key, shown this once.",
            headers = @Header(name = "Location", description = "/v1/keys/{id}: the key, never shown again."))
    ResponseEntity<IssuedKey> create(Caller caller, @RequestBody(required = false) CreateKeyRequest request) {
        String label = request == null ? null : request.name();
        var violations = TenantRules.keyName("name", label);
        if (!violations.isEmpty()) {
            throw new ValidationFailedException(violations);
        }
        IssuedKey issued = keys.issue(caller.tenant(), label);
        return ResponseEntity.created(URI.create("/v1/keys/" + issued.id())).body(issued);
    }

    @GetMapping("/v1/keys")
    Page<StoredKey> list(Caller caller, @RequestParam(defaultValue = PageRequest.DEFAULT_LIMIT_PARAMETER) int limit,
            @RequestParam(required = false) String cursor) {
        return keys.list(caller.tenant(), new PageRequest(limit, cursor));
    }

    /** One of the tenant's keys, revoked or not; never the key itself. */
    @GetMapping("/v1/keys/{id}")
    StoredKey key(Caller caller, @PathVariable UUID id) {
        return keys.find(caller.tenant(), id).orElseThrow(() -> new NotFoundException("No key " + id + "."));
    }

    @DeleteMapping("/v1/keys/{id}")
    @ApiResponse(responseCode = "204", description = "Revoked (or revoked already).")
    ResponseEntity<Void> revoke(Caller caller, @PathVariable UUID id) {
        if (!keys.revoke(caller.tenant(), id)) {
            throw new NotFoundException("No key " + id + ".");
        }
        return ResponseEntity.noContent().build();
    }
}
