using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Sync.Http.Infrastructure;

/// <summary>OData-style <c>$top</c>/<c>$skip</c> of a list request, and the <c>_links</c> of the page it selects.</summary>
public sealed record Paging(int Top, int Skip)
{
    public const int DefaultTop = 100;
    public const int MaxTop = 1000;

    public static Paging Parse(IQueryCollection query, string errorCode)
    {
        ArgumentNullException.ThrowIfNull(query);
        var problems = new List<ApiErrorDetail>();
        int top = ReadInt(query, "$top", DefaultTop, 1, MaxTop, problems);
        int skip = ReadInt(query, "$skip", 0, 0, int.MaxValue, problems);
        if (problems.Count > 0)
        {
            throw ApiException.Invalid(errorCode, "Invalid paging parameters.", [.. problems]);
        }

        return new Paging(top, skip);
    }

    public IReadOnlyList<T> Apply<T>(IReadOnlyList<T> all) => all.Skip(Skip).Take(Top).ToList();

    /// <summary>self, prev (unless on the first page) and next (while items remain), repeating the other query parameters.</summary>
    public PageLinks Links(ApiRequest request, int totalCount)
    {
        ArgumentNullException.ThrowIfNull(request);
        string Href(int skip)
        {
            var parts = request.Http.Query
                .Where(q => !q.Key.Equals("$top", StringComparison.OrdinalIgnoreCase) && !q.Key.Equals("$skip", StringComparison.OrdinalIgnoreCase))
                .Select(q => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(q.Value.ToString())}")
                .Append(string.Create(CultureInfo.InvariantCulture, $"$skip={skip}"))
                .Append(string.Create(CultureInfo.InvariantCulture, $"$top={Top}"));
            return $"{request.BaseUrl}{request.Http.Path}?{string.Join('&', parts)}";
        }

        return new PageLinks(
            new Link(Href(Skip)),
            Skip > 0 ? new Link(Href(Math.Max(0, Skip - Top))) : null,
            (long)Skip + Top < totalCount ? new Link(Href(Skip + Top)) : null);
    }

    private static int ReadInt(IQueryCollection query, string name, int fallback, int min, int max, List<ApiErrorDetail> problems)
    {
        if (!query.TryGetValue(name, out var values))
        {
            return fallback;
        }

        if (int.TryParse(values.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value >= min && value <= max)
        {
            return value;
        }

        problems.Add(new ApiErrorDetail(ErrorCodes.InvalidValue, $"'{name}' must be an integer from {min} to {max}.", name));
        return fallback;
    }
}

public sealed record Link(string Href);

/// <summary>The <c>_links</c> of a resource that links only to itself.</summary>
public sealed record SelfLink(Link Self);

/// <summary>The <c>_links</c> of a page: <c>self</c>, and <c>prev</c>/<c>next</c> where there is one.</summary>
public sealed record PageLinks(Link Self, Link? Prev, Link? Next);
