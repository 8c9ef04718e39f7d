/**
 * Why the gateway refuses a request, as its use cases say it: a name taken, an instance not there, input that breaks
 * the rules, a body too large. The web adapters ({@code ..web} packages) turn each into problem+json with its
 * status and code; nothing here knows HTTP.
 */
package dev.dbcloud.gateway.refusals;
