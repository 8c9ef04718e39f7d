package dev.dbcloud.gateway.instances.web;

import dev.dbcloud.gateway.access.Caller;
import dev.dbcloud.gateway.instances.ProvisionInstanceRequest;
import dev.dbcloud.gateway.instances.RequestingProvisioning;
import dev.dbcloud.gateway.status.InstanceView;
import dev.dbcloud.gateway.status.OperationView;
import dev.dbcloud.gateway.status.StatusClient;
import dev.dbcloud.gateway.web.NotFoundException;
import java.net.URI;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

@RestController
class InstanceController {

    private final RequestingProvisioning provisioning;
    private final StatusClient status;

    InstanceController(RequestingProvisioning provisioning, StatusClient status) {
        this.provisioning = provisioning;
        this.status = status;
    }

    @PostMapping("/v1/instances")
    ResponseEntity<OperationView> provision(Caller caller, @RequestBody ProvisionInstanceRequest request) {
        OperationView operation = provisioning.request(caller.tenant(), request);
        return ResponseEntity.accepted().location(URI.create("/v1/operations/" + operation.id())).body(operation);
    }

    @GetMapping("/v1/instances")
    List<InstanceView> instances(Caller caller) {
        return status.instances(caller.tenant());
    }

    @GetMapping("/v1/instances/{name}")
    InstanceView instance(Caller caller, @PathVariable String name) {
        return status.instance(caller.tenant(), name)
                .orElseThrow(() -> new NotFoundException("No instance named " + name + "."));
    }
}
