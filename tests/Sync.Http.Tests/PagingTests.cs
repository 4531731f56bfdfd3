using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Sync.Http.Infrastructure;

namespace Sync.Http.Tests;

[TestClass]
public sealed class PagingTests
{
    [TestMethod]
    public void Defaults_are_top_100_skip_0()
    {
        var paging = Paging.Parse(new QueryCollection(), "X");
        Assert.AreEqual(new Paging(100, 0), paging);
    }

    [TestMethod]
    [DataRow("?$top=0")]
    [DataRow("?$top=1001")]
    [DataRow("?$top=-1")]
    [DataRow("?$top=1.5")]
    [DataRow("?$skip=-3")]
    [DataRow("?$skip=x")]
    public void Out_of_range_values_are_422_naming_the_parameter(string query)
    {
        var request = Requests.WithBody(null, query);
        var e = Assert.ThrowsExactly<ApiException>(() => Paging.Parse(request.Query, "X"));
        Assert.AreEqual("X", e.Code);
        Assert.AreEqual(query[1..query.IndexOf('=', StringComparison.Ordinal)], e.Details!.Single().Target);
    }

    [TestMethod]
    public void Apply_selects_the_page()
    {
        var page = new Paging(3, 4).Apply(Enumerable.Range(0, 10).ToList());
        CollectionAssert.AreEqual(new[] { 4, 5, 6 }, page.ToArray());
    }

    [TestMethod]
    public void Links_keep_other_parameters_and_appear_only_where_there_is_a_page()
    {
        var request = new ApiRequest(Requests.WithBody(null, "?iModelId=abc&$top=2&$skip=2"), new Dictionary<string, string?>(), null);
        var paging = Paging.Parse(request.Http.Query, "X");

        var middle = JsonSerializer.SerializeToElement(paging.Links(request, 5), ApiJson.Options);
        Assert.AreEqual("http://example.test/things?iModelId=abc&$skip=2&$top=2", middle.GetProperty("self").GetProperty("href").GetString());
        Assert.AreEqual("http://example.test/things?iModelId=abc&$skip=0&$top=2", middle.GetProperty("prev").GetProperty("href").GetString());
        Assert.AreEqual("http://example.test/things?iModelId=abc&$skip=4&$top=2", middle.GetProperty("next").GetProperty("href").GetString());

        var last = JsonSerializer.SerializeToElement(paging.Links(request, 4), ApiJson.Options);
        Assert.IsFalse(last.TryGetProperty("next", out _));
    }
}
