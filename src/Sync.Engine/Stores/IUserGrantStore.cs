namespace Sync.Engine.Stores;

/// <summary>
/// Each user's stored authorization grant (their refresh token), as ciphertext: whoever saves it encrypts it first,
/// so the store never holds a usable token.
/// </summary>
public interface IUserGrantStore
{
    Task<string?> GetAsync(string userId, CancellationToken cancellationToken);

    Task SaveAsync(string userId, string protectedGrant, CancellationToken cancellationToken);

    Task DeleteAsync(string userId, CancellationToken cancellationToken);
}
