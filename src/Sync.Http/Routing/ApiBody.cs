using Sync.Engine.Catalog;

namespace Sync.Http.Routing;

/// <summary>What an operation's request body is, as the OpenAPI document describes it.</summary>
public abstract record ApiBody
{
    private ApiBody()
    {
    }

    public static ApiBody Of<T>() => new JsonBodyOf(typeof(T));

    /// <summary>A JSON object of the type's shape.</summary>
    public sealed record JsonBodyOf(Type Type) : ApiBody;

    /// <summary>A configuration scope's settings: the names and JSON types <see cref="ConfigurationSettings"/> accepts there.</summary>
    public sealed record SettingsOf(ConfigurationLevel Level) : ApiBody;

    /// <summary>A file's bytes (<c>application/octet-stream</c>).</summary>
    public sealed record Bytes : ApiBody;
}
