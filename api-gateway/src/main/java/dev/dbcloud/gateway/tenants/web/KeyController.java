package dev.dbcloud.gateway.tenants.web;

import dev.dbcloud.common.rules.TenantRules;
import dev.dbcloud.gateway.access.ApiKeys;
import dev.dbcloud.gateway.access.ApiKeys.IssuedKey;
import dev.dbcloud.gateway.access.ApiKeys.StoredKey;
import dev.dbcloud.gateway.access.Caller;
import dev.dbcloud.gateway.refusals.NotFoundException;
import dev.dbcloud.gateway.refusals.ValidationFailedException;
import java.util.List;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** {@code /v1/keys}: a tenant's own API keys. A key is shown once, when created; revoking one takes effect at once. */
@RestController
class KeyController {

    private final ApiKeys keys;

    KeyController(ApiKeys keys) {
        this.keys = keys;
    }

    @PostMapping("/v1/keys")
    ResponseEntity<IssuedKey> create(Caller caller, @RequestBody(required = false) CreateKeyRequest request) {
        String label = request == null ? null : request.name();
        var violations = TenantRules.keyName("name", label);
        if (!violations.isEmpty()) {
            throw new ValidationFailedException(violations);
        }
        return ResponseEntity.status(201).body(keys.issue(caller.tenant(), label));
    }

    @GetMapping("/v1/keys")
    List<StoredKey> list(Caller caller) {
        return keys.list(caller.tenant());
    }

    @DeleteMapping("/v1/keys/{id}")
    ResponseEntity<Void> revoke(Caller caller, @PathVariable UUID id) {
        if (!keys.revoke(caller.tenant(), id)) {
            throw new NotFoundException("No key " + id + ".");
        }
        return ResponseEntity.noContent().build();
    }
}
