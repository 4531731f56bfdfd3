using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Sync.Http.Infrastructure;

/// <summary>
/// What a handler answers. It writes itself to any ASP.NET Core response, so the local host returns it as an
/// <see cref="IResult"/> and the Functions app as an <see cref="IActionResult"/> with identical bytes.
/// </summary>
public sealed class ApiResult : IResult, IActionResult
{
    private readonly object? _body;
    private readonly Func<HttpResponse, Task>? _writer;

    private ApiResult(HttpStatusCode status, object? body, Func<HttpResponse, Task>? writer)
    {
        Status = status;
        _body = body;
        _writer = writer;
    }

    public HttpStatusCode Status { get; }

    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public static ApiResult Json(HttpStatusCode status, object body) => new(status, body, null);

    public static ApiResult Ok(object body) => Json(HttpStatusCode.OK, body);

    public static ApiResult Created(object body, string location) => Json(HttpStatusCode.Created, body).WithHeader("Location", location);

    public static ApiResult NoContent() => new(HttpStatusCode.NoContent, null, null);

    /// <summary>302 Found to <paramref name="location"/> (a browser's next stop).</summary>
    public static ApiResult Redirect(string location) => new ApiResult(HttpStatusCode.Found, null, null).WithHeader("Location", location);

    public static ApiResult Stream(HttpStatusCode status, Func<HttpResponse, Task> writer) => new(status, null, writer);

    public static ApiResult Error(HttpStatusCode status, string code, string message, string? target = null, IReadOnlyList<ApiErrorDetail>? details = null) =>
        Json(status, new { error = new { code, message, target, details } });

    public static ApiResult Error(ApiException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var result = Error(e.Status, e.Code, e.Message, e.Target, e.Details);
        if (e.RetryAfter is { } wait)
        {
            result.WithHeader("Retry-After", ((int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return e.Challenge is { } challenge ? result.WithHeader("WWW-Authenticate", challenge) : result;
    }

    public ApiResult WithHeader(string name, string value)
    {
        Headers[name] = value;
        return this;
    }

    /// <summary>
    /// Sent with every answer of both hosts (all of them are written here): nothing may sniff, frame, cache or embed
    /// an API answer, and no referrer leaves with a link followed from one. HSTS is the platform's (HTTPS ends there).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> SecurityHeaders = new Dictionary<string, string>
    {
        ["X-Content-Type-Options"] = "nosniff",
        ["X-Frame-Options"] = "DENY",
        ["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'",
        ["Referrer-Policy"] = "no-referrer",
        ["Cache-Control"] = "no-store",
    };

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.StatusCode = (int)Status;
        foreach (var (name, value) in SecurityHeaders)
        {
            response.Headers[name] = value;
        }

        foreach (var (name, value) in Headers)
        {
            response.Headers[name] = value;
        }

        if (_writer is not null)
        {
            await _writer(response);
        }
        else if (_body is not null)
        {
            response.ContentType = "application/json; charset=utf-8";
            await JsonSerializer.SerializeAsync(response.Body, _body, _body.GetType(), ApiJson.Options, httpContext.RequestAborted);
        }
    }

    public Task ExecuteResultAsync(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ExecuteAsync(context.HttpContext);
    }
}
