namespace Sync.Http.Auth;

/// <summary>The authenticated user of a request (from the token's subject and name claims) and the scopes it was granted.</summary>
public sealed record Caller(string UserId, string? Name)
{
    public IReadOnlySet<string> Scopes { get; init; } = new HashSet<string>();
}
