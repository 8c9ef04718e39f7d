package dev.dbcloud.gateway.tenants.web;

/** The optional body of a key creation: a label to tell the key apart, such as "ci". */
record CreateKeyRequest(String name) {
}
