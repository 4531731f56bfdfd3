using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Sync.Http.Routing;

/// <summary>Which browser origins may call the API (section <c>Cors</c>); none by default.</summary>
public sealed class CorsSettings
{
    public const string Section = "Cors";

    /// <summary>Origins such as <c>https://app.example</c>; <c>*</c> (any) only in Development.</summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>How long a browser may reuse a preflight answer.</summary>
    public TimeSpan PreflightMaxAge { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>ASP.NET Core's CORS policy for these settings; refuses <c>*</c> outside Development.</summary>
    public CorsPolicy Policy(bool isDevelopment)
    {
        var builder = new CorsPolicyBuilder()
            .AllowAnyHeader()
            .AllowAnyMethod()
            .WithExposedHeaders("Location", "ETag", "Retry-After", "WWW-Authenticate")
            .SetPreflightMaxAge(PreflightMaxAge);
        if (AllowedOrigins.Contains("*"))
        {
            if (!isDevelopment)
            {
                throw new InvalidOperationException("Cors:AllowedOrigins may be '*' only in Development; list the origins of your browser apps.");
            }

            builder.AllowAnyOrigin();
        }
        else
        {
            builder.WithOrigins(AllowedOrigins);
        }

        return builder.Build();
    }
}

/// <summary>Requests each caller, and each iTwin, may make per window (section <c>RateLimits</c>); 0: unlimited.</summary>
public sealed class RateLimitSettings
{
    public const string Section = "RateLimits";

    public int PerCaller { get; set; } = 1000;

    public int PerITwin { get; set; } = 5000;

    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>ASP.NET Core's fixed-window limiter, one window per partition key (a user id or an iTwin id); no queueing.</summary>
    public PartitionedRateLimiter<string> Limiter(int permits) => PartitionedRateLimiter.Create<string, string>(key =>
        permits <= 0
            ? RateLimitPartition.GetNoLimiter(key)
            : RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = Window, QueueLimit = 0 }));
}

/// <summary>The CORS policy applied by <see cref="ApiDispatcher"/> to every answer and preflight of both hosts.</summary>
public sealed class ApiCors(ICorsService cors, CorsPolicy policy)
{
    /// <summary>Adds the CORS headers this request's origin earns (none for an origin not allowed, or no origin).</summary>
    public void Apply(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Request.Headers.Origin.Count > 0)
        {
            cors.ApplyResult(cors.EvaluatePolicy(context, policy), context.Response);
        }
    }
}

/// <summary>
/// Per-caller and per-iTwin request limits (ASP.NET Core's <see cref="PartitionedRateLimiter"/>), checked by
/// <see cref="ApiDispatcher"/> for every authenticated request of both hosts. Limits are per host instance.
/// </summary>
public sealed class ApiRateLimits(RateLimitSettings settings) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _callers = settings.Limiter(settings.PerCaller);
    private readonly PartitionedRateLimiter<string> _iTwins = settings.Limiter(settings.PerITwin);

    public void AcquireForCaller(string userId) => Acquire(_callers, userId, "caller");

    public void AcquireForITwin(Guid iTwinId) => Acquire(_iTwins, iTwinId.ToString("D"), "iTwin");

    public void Dispose()
    {
        _callers.Dispose();
        _iTwins.Dispose();
    }

    private void Acquire(PartitionedRateLimiter<string> limiter, string key, string what)
    {
        using var lease = limiter.AttemptAcquire(key);
        if (!lease.IsAcquired)
        {
            throw new Infrastructure.ApiException(
                System.Net.HttpStatusCode.TooManyRequests,
                "RateLimitExceeded",
                $"Too many requests for this {what}; try again after the Retry-After delay.")
            {
                RetryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out TimeSpan wait) ? wait : settings.Window,
            };
        }
    }
}
