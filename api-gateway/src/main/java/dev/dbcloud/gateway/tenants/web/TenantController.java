package dev.dbcloud.gateway.tenants.web;

import dev.dbcloud.gateway.access.ApiKeys.IssuedKey;
import dev.dbcloud.gateway.tenants.Tenants;
import dev.dbcloud.gateway.tenants.Tenants.CreatedTenant;
import dev.dbcloud.gateway.tenants.Tenants.TenantView;
import java.net.URI;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** {@code /v1/admin/tenants}: the admin key's endpoints (the access filter lets no other key in). */
@RestController
class TenantController {

    private final Tenants tenants;

    TenantController(Tenants tenants) {
        this.tenants = tenants;
    }

    @PostMapping("/v1/admin/tenants")
    ResponseEntity<CreatedTenant> create(@RequestBody CreateTenantRequest request) {
        CreatedTenant tenant = tenants.create(request.name());
        return ResponseEntity.created(URI.create("/v1/admin/tenants/" + tenant.name())).body(tenant);
    }

    @GetMapping("/v1/admin/tenants")
    List<TenantView> list() {
        return tenants.list();
    }

    @PostMapping("/v1/admin/tenants/{tenant}/keys")
    ResponseEntity<IssuedKey> issueKey(@PathVariable String tenant,
            @RequestBody(required = false) CreateKeyRequest request) {
        return ResponseEntity.status(201).body(tenants.issueKey(tenant, request == null ? null : request.name()));
    }

    record CreateTenantRequest(String name) {
    }
}
