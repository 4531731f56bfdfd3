using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Caching.Memory;
using Sync.Engine.Model;
using Sync.Engine.Stores;
using Sync.Http.Auth;
using Sync.Http.Infrastructure;
using Sync.Http.Routing;

namespace Sync.Http.Access;

/// <summary>The iTwin a request acts in and the caller's role there.</summary>
public sealed record AccessGrant(Guid ITwinId, Role Role);

/// <summary>
/// The one place access is decided, for every route of both hosts (called by <see cref="ApiDispatcher"/> before
/// any handler runs): finds the iTwin of the resource the route names and checks the caller's role there.
/// No role, or no such resource, is the resource's own 404; a role too weak for the operation is 403.
/// Roles are cached for <see cref="AccessOptions.RoleCacheDuration"/> and forgotten at once when this host changes
/// a membership; which iTwin a resource belongs to never changes, so those facts are cached until evicted.
/// </summary>
public sealed class AccessControl(IITwinStore iTwins, IIModelStore iModels, IConnectionStore connections, IStorageFileStore files, AccessOptions options) : IDisposable
{
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = Math.Max(1, options.CacheEntries) });

    /// <summary>
    /// The grant for <paramref name="route"/>, or null when the route names no iTwin (or names it in a body that the
    /// handler will reject as invalid anyway). Throws the 404 or 403 answer when the caller may not proceed.
    /// </summary>
    public async Task<AccessGrant?> AuthorizeAsync(ApiRoute route, HttpRequest request, IReadOnlyDictionary<string, string?> routeValues, Caller caller)
    {
        ArgumentNullException.ThrowIfNull(route);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(caller);
        if (route.Scope is not { } locator)
        {
            return null;
        }

        CancellationToken aborted = request.HttpContext.RequestAborted;
        string? id = locator.Source switch
        {
            IdSource.Route => routeValues.TryGetValue(locator.Name, out string? value) ? value : null,
            IdSource.Query => request.Query.TryGetValue(locator.Name, out var values) || (locator.AlternativeName is { } other && request.Query.TryGetValue(other, out values))
                ? values.ToString()
                : null,
            _ => await ReadBodyPropertyAsync(request, locator.Name, aborted),
        };
        if (string.IsNullOrEmpty(id))
        {
            // A body or query without the id: the handler answers 422 with every problem of the request, and
            // cannot act without the id. A route value is never empty.
            return locator.Source == IdSource.Route ? throw locator.NotFound(string.Empty) : null;
        }

        Guid? iTwinId = await ITwinOfAsync(locator.Kind, id, aborted);
        if (iTwinId is null)
        {
            if (locator.Source != IdSource.Route && !LooksLikeId(locator.Kind, id))
            {
                return null; // malformed: the handler's validation names it
            }

            throw locator.NotFound(id);
        }

        Role? role = await RoleAsync(iTwinId.Value, caller.UserId, aborted);
        if (role is null)
        {
            throw locator.NotFound(id);
        }

        if (role < route.RequiredRole)
        {
            throw new ApiException(
                HttpStatusCode.Forbidden,
                ErrorCodes.InsufficientPermissions,
                $"Your role in this iTwin ({role}) does not allow this operation; it needs {route.RequiredRole}.");
        }

        return new AccessGrant(iTwinId.Value, role.Value);
    }

    /// <summary>The caller's role in an iTwin (cached); null when none.</summary>
    public async Task<Role?> RoleAsync(Guid iTwinId, string userId, CancellationToken cancellationToken)
    {
        var key = new RoleKey(iTwinId, userId);
        if (_cache.TryGetValue(key, out RoleEntry? cached) && cached is not null)
        {
            return cached.Role;
        }

        Role? role = await iTwins.GetRoleAsync(iTwinId, userId, cancellationToken);
        _cache.Set(key, new RoleEntry(role), new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = options.RoleCacheDuration });
        return role;
    }

    /// <summary>Called by every membership change this host makes.</summary>
    public void ForgetRole(Guid iTwinId, string userId) => _cache.Remove(new RoleKey(iTwinId, userId));

    public void Dispose() => _cache.Dispose();

    private async Task<Guid?> ITwinOfAsync(ResourceKind kind, string id, CancellationToken cancellationToken)
    {
        if (kind == ResourceKind.ITwin)
        {
            return Guid.TryParse(id, out Guid twin) && twin != Guid.Empty ? twin : null;
        }

        var key = new OwnerKey(kind, id);
        if (_cache.TryGetValue(key, out Guid known))
        {
            return known;
        }

        Guid? found = kind switch
        {
            ResourceKind.IModel => Guid.TryParse(id, out Guid model) ? (await iModels.GetAsync(model, cancellationToken))?.ITwinId : null,
            ResourceKind.Connection => (await connections.GetAsync(id, cancellationToken))?.ITwinId,
            // A folder id names its iTwin (the recycle bin's folders too); the handler answers one that does not exist.
            ResourceKind.Folder => ScopedId.TryGetScope(id, out Guid scope) ? scope : null,
            // Pending files too: completing an upload is an operation on a file no reader sees yet.
            _ => (await files.FindAsync(id, cancellationToken))?.ITwinId,
        };
        if (found is { } iTwinId)
        {
            // Only what exists is remembered: an id not found now may be created later.
            _cache.Set(key, iTwinId, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = TimeSpan.FromMinutes(30) });
        }

        return found;
    }

    private static bool LooksLikeId(ResourceKind kind, string id) =>
        kind is not (ResourceKind.ITwin or ResourceKind.IModel) || (Guid.TryParse(id, out Guid guid) && guid != Guid.Empty);

    /// <summary>
    /// One string property of a JSON object body, leaving the body readable for the handler; null when the body is
    /// not such an object or the property is not a string (the handler reports that).
    /// </summary>
    private static async Task<string?> ReadBodyPropertyAsync(HttpRequest request, string name, CancellationToken cancellationToken)
    {
        if (request.ContentLength > JsonBody.MaxBytes)
        {
            return null;
        }

        request.EnableBuffering(bufferThreshold: 64 * 1024, bufferLimit: JsonBody.MaxBytes);
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, new JsonDocumentOptions { MaxDepth = 32 }, cancellationToken);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            // The last of repeated names, as the handler's JsonBody reads it: both must see the same id.
            JsonElement? found = null;
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    found = property.Value;
                }
            }

            return found is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
        catch (IOException)
        {
            throw JsonBody.TooLarge(); // a chunked body beyond the buffer limit
        }
        finally
        {
            request.Body.Position = 0;
        }
    }

    private sealed record RoleKey(Guid ITwinId, string UserId);

    private sealed record OwnerKey(ResourceKind Kind, string Id);

    private sealed record RoleEntry(Role? Role);
}
