namespace Sync.Http.Auth;

/// <summary>The authenticated user of a request (from the token's subject and name claims).</summary>
public sealed record Caller(string UserId, string? Name);
