using System.Text.RegularExpressions;
using Sync.Http.Routing;

namespace Sync.Http.Tests;

[TestClass]
public sealed partial class ApiRoutesTests
{
    [TestMethod]
    public void Every_route_is_listed_once_with_a_unique_name_and_method_and_template()
    {
        var declared = typeof(ApiRoutes).GetFields().Where(f => f.FieldType == typeof(ApiRoute)).Select(f => (ApiRoute)f.GetValue(null)!).ToList();
        CollectionAssert.AreEquivalent(declared, ApiRoutes.All.ToList(), "All lists every declared route");
        CollectionAssert.AllItemsAreUnique(ApiRoutes.All.Select(r => r.Name).ToList());
        CollectionAssert.AllItemsAreUnique(ApiRoutes.All.Select(r => $"{r.Method} {r.Template.ToLowerInvariant()}").ToList());
    }

    [TestMethod]
    public void Only_health_is_anonymous()
    {
        CollectionAssert.AreEqual(new[] { "Health" }, ApiRoutes.All.Where(r => r.AllowAnonymous).Select(r => r.Name).ToArray());
    }

    [TestMethod]
    public void Templates_are_relative_and_valid_for_both_hosts()
    {
        foreach (var route in ApiRoutes.All)
        {
            Assert.IsFalse(route.Template.StartsWith('/'), route.Template);
            Assert.IsTrue(TemplatePattern().IsMatch(route.Template), route.Template);
            CollectionAssert.Contains(new[] { "GET", "POST", "PUT", "PATCH", "DELETE" }, route.Method);
        }
    }

    [GeneratedRegex(@"^[A-Za-z]+(/([A-Za-z]+|\{[a-zA-Z]+\}))*$")]
    private static partial Regex TemplatePattern();
}
