using Microsoft.AspNetCore.Http;
using Sync.Http.Access;
using Sync.Http.Auth;

namespace Sync.Http.Infrastructure;

/// <summary>
/// One API call as a handler sees it: the HTTP request, its route values, the authenticated caller and the iTwin
/// access was granted in (null for routes that name no iTwin).
/// </summary>
public sealed class ApiRequest(HttpRequest http, IReadOnlyDictionary<string, string?> routeValues, Caller? caller, AccessGrant? access = null)
{
    public HttpRequest Http { get; } = http;

    public Caller? Caller { get; } = caller;

    public AccessGrant? Access { get; } = access;

    /// <summary>The authenticated caller, for routes that require one.</summary>
    public Caller RequiredCaller => Caller ?? throw new InvalidOperationException("This route requires an authenticated caller.");

    public CancellationToken Aborted => Http.HttpContext.RequestAborted;

    /// <summary>scheme://host of this request, the root of every link we return.</summary>
    public string BaseUrl => $"{Http.Scheme}://{Http.Host}";

    public string Route(string name) =>
        routeValues.TryGetValue(name, out string? value) && value is not null
            ? value
            : throw new InvalidOperationException($"Route value '{name}' is missing.");

    public string? Query(string name) => Http.Query.TryGetValue(name, out var values) ? values.ToString() : null;

    /// <summary>True for <c>Prefer: return=representation</c>; the default is minimal.</summary>
    public bool WantsRepresentation =>
        Http.Headers["Prefer"].Any(v => v is not null && v.Contains("return=representation", StringComparison.OrdinalIgnoreCase));

    public string Url(string path) => BaseUrl + path;
}
