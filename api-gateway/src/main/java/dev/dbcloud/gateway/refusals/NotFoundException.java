package dev.dbcloud.gateway.refusals;

/** The caller's tenant has no such thing; another tenant's things answer this too. */
public class NotFoundException extends RuntimeException {

    public NotFoundException(String what) {
        super(what);
    }
}
