package dev.dbcloud.gateway.web;

import dev.dbcloud.common.rules.Rule;
import dev.dbcloud.gateway.idempotency.IdempotencyKeyReusedException;
import dev.dbcloud.gateway.operations.OperationWaits;
import dev.dbcloud.gateway.refusals.ConflictException;
import dev.dbcloud.gateway.refusals.NotFoundException;
import dev.dbcloud.gateway.refusals.PayloadTooLargeException;
import dev.dbcloud.gateway.refusals.ValidationFailedException;
import dev.dbcloud.gateway.status.StatusUnavailableException;
import dev.dbcloud.security.BearerKeys;
import dev.dbcloud.security.ProblemCodes;
import java.util.List;
import org.springframework.beans.TypeMismatchException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * RFC 9457 problem details with a stable {@code code}; validation problems list every offending field and
 * rule. Messages never echo request values, which may hold a password.
 */
@RestControllerAdvice
class ProblemResponses extends ResponseEntityExceptionHandler {

    /** status-service restarts, or its database comes back, within seconds. */
    static final String STATUS_RETRY_AFTER_SECONDS = "2";

    @ExceptionHandler
    ProblemDetail invalid(ValidationFailedException e) {
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "VALIDATION_FAILED", "The request breaks input rules.");
        List<FieldProblem> errors = e.violations().stream()
                .map(v -> new FieldProblem(v.field(), v.rule().name(), v.field() + " " + v.message()))
                .toList();
        problem.setProperty("errors", errors);
        return problem;
    }

    /** Spring MVC's own refusals (405, 406, 415, 404 for no handler, ...) get a {@code code} like every other. */
    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception e, Object body, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        ResponseEntity<Object> response = super.handleExceptionInternal(e, body, headers, status, request);
        if (response != null && response.getBody() instanceof ProblemDetail problem
                && (problem.getProperties() == null || !problem.getProperties().containsKey("code"))) {
            HttpStatus resolved = HttpStatus.resolve(response.getStatusCode().value());
            problem.setProperty("code", ProblemCodes.of(resolved != null ? resolved : HttpStatus.BAD_REQUEST));
        }
        return response;
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        if (e.getMostSpecificCause() instanceof UnrecognizedPropertyException unknown) {
            String name = unknown.getPropertyName() == null ? "" : unknown.getPropertyName();
            String field = name.length() > 64 ? name.substring(0, 64) + "..." : name;
            ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "VALIDATION_FAILED", "The request breaks input rules.");
            problem.setProperty("errors", List.of(new FieldProblem(field, Rule.UNKNOWN_FIELD.name(),
                    field + " is not a field this endpoint takes")));
            return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
        }
        return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_PROBLEM_JSON).body(
                problem(HttpStatus.BAD_REQUEST, "MALFORMED_REQUEST", "The request body is not the JSON this endpoint takes."));
    }

    @Override
    protected ResponseEntity<Object> handleTypeMismatch(TypeMismatchException e, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        String field = e.getPropertyName() != null ? e.getPropertyName() : "value";
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "VALIDATION_FAILED", "The request breaks input rules.");
        problem.setProperty("errors", List.of(new FieldProblem(field, Rule.FORMAT.name(), field + " has the wrong format")));
        return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }

    @ExceptionHandler
    ProblemDetail notFound(NotFoundException e) {
        return problem(HttpStatus.NOT_FOUND, "NOT_FOUND", e.getMessage());
    }

    @ExceptionHandler
    ProblemDetail conflict(ConflictException e) {
        return problem(HttpStatus.CONFLICT, e.code(), e.getMessage());
    }

    @ExceptionHandler
    ProblemDetail tooLarge(PayloadTooLargeException e) {
        return problem(HttpStatus.CONTENT_TOO_LARGE, e.code(), e.getMessage());
    }

    @ExceptionHandler
    ProblemDetail idempotencyKeyReused(IdempotencyKeyReusedException e) {
        return problem(HttpStatus.UNPROCESSABLE_CONTENT, "IDEMPOTENCY_KEY_REUSED",
                "This Idempotency-Key was used for a different request; use a new key for a new request.");
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> tooManyWaits(OperationWaits.TooManyWaitsException e) {
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS).header(HttpHeaders.RETRY_AFTER, "1")
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem(HttpStatus.TOO_MANY_REQUESTS, "TOO_MANY_WAITS",
                        "This tenant already has as many operations long-polled at once as it may; ask again shortly."));
    }

    /**
     * The gateway's own database does not answer in time (connections time out after seconds, queries after
     * {@code socketTimeout}): 503, and nothing was accepted. A command sent again with its Idempotency-Key is safe.
     */
    @ExceptionHandler({DataAccessResourceFailureException.class, TransientDataAccessException.class,
            CannotCreateTransactionException.class})
    ResponseEntity<ProblemDetail> databaseUnavailable(Exception e) {
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, BearerKeys.RETRY_AFTER_SECONDS)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem(HttpStatus.SERVICE_UNAVAILABLE, BearerKeys.UNAVAILABLE,
                        "The control plane's database does not answer right now; nothing was changed. Try again shortly."));
    }

    /** status-service does not answer, or answers with a fault of its own: 503, with when to ask again. */
    @ExceptionHandler
    ResponseEntity<ProblemDetail> statusUnavailable(StatusUnavailableException e) {
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, STATUS_RETRY_AFTER_SECONDS)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem(HttpStatus.SERVICE_UNAVAILABLE, "STATUS_UNAVAILABLE",
                        "Instance status cannot be read right now; try again."));
    }

    /** One broken rule, as the {@code errors} entries of a validation problem show it. */
    record FieldProblem(String field, String rule, String message) {
    }

    private static ProblemDetail problem(HttpStatus status, String code, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setProperty("code", code);
        return problem;
    }
}
