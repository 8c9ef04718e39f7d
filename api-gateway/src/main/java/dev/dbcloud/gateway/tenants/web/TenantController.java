package dev.dbcloud.gateway.tenants.web;

import dev.dbcloud.gateway.access.ApiKeys.IssuedKey;
import dev.dbcloud.gateway.paging.Page;
import dev.dbcloud.gateway.paging.PageRequest;
import dev.dbcloud.gateway.tenants.Tenants.CreatedTenant;
import dev.dbcloud.gateway.tenants.Tenants.TenantView;
import dev.dbcloud.gateway.tenants.Tenants;
import dev.dbcloud.gateway.web.Refusal;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /v1/admin/tenants}: the admin key's endpoints (the access filter lets no other key in). */
@RestController
@Tag(name = "admin", description = "Tenants, for the admin key only.")
class TenantController {

    private final Tenants tenants;

    TenantController(Tenants tenants) {
        this.tenants = tenants;
    }

    /** 201 with the tenant's first key, shown this once, and its {@code Location} ({@code GET /v1/admin/tenants/{tenant}}). */
    @PostMapping("/v1/admin/tenants")
    @ApiResponse(responseCode = "201", description = "The tenant and its first key, shown this once.",
            headers = @Header(name = "Location", description = "/v1/admin/tenants/{tenant}: the tenant."))
    @Refusal(status = 409, codes = "TENANT_EXISTS")
    ResponseEntity<CreatedTenant> create(@RequestBody CreateTenantRequest request) {
        CreatedTenant tenant = tenants.create(request.name());
        return ResponseEntity.created(URI.create("/v1/admin/tenants/" + tenant.name())).body(tenant);
    }

    @GetMapping("/v1/admin/tenants")
    Page<TenantView> list(@RequestParam(defaultValue = PageRequest.DEFAULT_LIMIT_PARAMETER) int limit,
            @RequestParam(required = false) String cursor) {
        return tenants.list(new PageRequest(limit, cursor));
    }

    @GetMapping("/v1/admin/tenants/{tenant}")
    TenantView tenant(@PathVariable String tenant) {
        return tenants.get(tenant);
    }

    @PostMapping("/v1/admin/tenants/{tenant}/keys")
    @ApiResponse(responseCode = "201", description = "The key, shown this once.")
    ResponseEntity<IssuedKey> issueKey(@PathVariable String tenant,
            @RequestBody(required = false) CreateKeyRequest request) {
        return ResponseEntity.status(201).body(tenants.issueKey(tenant, request == null ? null : request.name()));
    }

    record CreateTenantRequest(String name) {
    }
}
