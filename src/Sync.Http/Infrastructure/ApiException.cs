using System.Net;

namespace Sync.Http.Infrastructure;

/// <summary>One entry of an error's <c>details</c>: what is wrong with which field.</summary>
public sealed record ApiErrorDetail(string Code, string Message, string? Target);

/// <summary>
/// A request that cannot be served, carried to the dispatcher that renders it in the API's error format
/// <c>{"error":{"code","message","target"?,"details"?}}</c>.
/// </summary>
public sealed class ApiException(HttpStatusCode status, string code, string message, string? target = null, IReadOnlyList<ApiErrorDetail>? details = null)
    : Exception(message)
{
    public HttpStatusCode Status { get; } = status;

    public string Code { get; } = code;

    public string? Target { get; } = target;

    public IReadOnlyList<ApiErrorDetail>? Details { get; } = details;

    public static ApiException NotFound(string code, string message) => new(HttpStatusCode.NotFound, code, message);

    public static ApiException Conflict(string code, string message) => new(HttpStatusCode.Conflict, code, message);

    public static ApiException Unauthorized(string code, string message) => new(HttpStatusCode.Unauthorized, code, message);

    /// <summary>The <c>WWW-Authenticate</c> challenge (RFC 6750) a 401 or 403 answer carries.</summary>
    public string? Challenge { get; init; }

    /// <summary>When to try again (429), sent as <c>Retry-After</c>.</summary>
    public TimeSpan? RetryAfter { get; init; }

    public static ApiException Invalid(string code, string message, params ApiErrorDetail[] details) =>
        new(HttpStatusCode.UnprocessableEntity, code, message, details: details.Length == 0 ? null : details);
}
