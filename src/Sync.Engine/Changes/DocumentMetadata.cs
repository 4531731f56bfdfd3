using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Sync.Engine.Elements;

namespace Sync.Engine.Changes;

/// <summary>
/// The metadata a document-management system sends with a manifest file (spec: <c>documentAttribute</c>):
/// one more element of the file, of class <see cref="ClassName"/>, carrying the document's properties
/// (revision, suitability, ...). Property values are JSON literals (strings, numbers, booleans).
/// </summary>
public sealed record DocumentMetadata(string ClassName, IReadOnlyDictionary<string, string> Properties)
{
    /// <summary>The identifier of the document's element within its file's elements.</summary>
    public const string ElementIdentifier = "#document";

    /// <summary>A short fingerprint of the class and properties, part of the file's version marker.</summary>
    public string Fingerprint()
    {
        var text = new StringBuilder(ClassName);
        foreach (var (name, literal) in Properties.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.Append('\n').Append(name).Append('=').Append(literal);
        }

        return Convert.ToHexStringLower(XxHash64.Hash(Encoding.UTF8.GetBytes(text.ToString())));
    }

    public SourceElement ToElement(string fileName)
    {
        var properties = new List<KeyValuePair<string, object>>();
        foreach (var (name, literal) in Properties.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (Typed(literal) is { } value)
            {
                properties.Add(new(name, value));
            }
        }

        return new SourceElement(ElementIdentifier, ClassName, properties, UserLabel: fileName);
    }

    /// <summary>The connector's elements followed by the document's.</summary>
    internal async IAsyncEnumerable<SourceElement> AppendTo(IAsyncEnumerable<SourceElement> elements, string fileName, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var element in elements.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return element;
        }

        yield return ToElement(fileName);
    }

    private static object? Typed(string literal)
    {
        using var document = JsonDocument.Parse(literal);
        var value = document.RootElement;
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number when value.TryGetInt64(out long whole) => whole,
            JsonValueKind.Number => value.GetDouble(),
            _ => null,
        };
    }
}
