using System.Net;
using Sync.Http.Infrastructure;

namespace Sync.Http.Tests;

[TestClass]
public sealed class JsonBodyTests
{
    private const string Code = "InvalidThingRequest";

    [TestMethod]
    [DataRow(null)]
    [DataRow("")]
    [DataRow(" \r\n ")]
    public async Task An_empty_body_is_MissingRequestBody(string? body)
    {
        var e = await Assert.ThrowsExactlyAsync<ApiException>(() => JsonBody.ReadAsync(Requests.WithBody(body), Code, CancellationToken.None));
        Assert.AreEqual(HttpStatusCode.UnprocessableEntity, e.Status);
        Assert.AreEqual(ErrorCodes.MissingRequestBody, e.Code);
    }

    [TestMethod]
    [DataRow("{")]
    [DataRow("{'a':1}")]
    [DataRow("[]")]
    [DataRow("12")]
    public async Task Malformed_or_non_object_json_is_the_operations_code(string body)
    {
        var e = await Assert.ThrowsExactlyAsync<ApiException>(() => JsonBody.ReadAsync(Requests.WithBody(body), Code, CancellationToken.None));
        Assert.AreEqual(Code, e.Code);
        Assert.AreEqual(HttpStatusCode.UnprocessableEntity, e.Status);
    }

    [TestMethod]
    public async Task A_body_over_the_limit_is_413_even_without_a_content_length()
    {
        var request = Requests.WithBody("{\"a\":\"" + new string('x', JsonBody.MaxBytes) + "\"}");
        request.ContentLength = null;
        var e = await Assert.ThrowsExactlyAsync<ApiException>(() => JsonBody.ReadAsync(request, Code, CancellationToken.None));
        Assert.AreEqual(HttpStatusCode.RequestEntityTooLarge, e.Status);
    }

    [TestMethod]
    public async Task Fields_are_read_case_insensitively_and_typed()
    {
        var id = Guid.NewGuid();
        var body = await JsonBody.ReadAsync(Requests.WithBody($"{{\"IMODELID\":\"{id}\",\"name\":\"Plant\",\"kind\":\"service\"}}"), Code, CancellationToken.None);
        Assert.AreEqual(id, body.RequiredGuid("iModelId"));
        Assert.AreEqual("Plant", body.RequiredString("name"));
        Assert.AreEqual("Service", body.OptionalChoice("kind", ["User", "Service"]));
        Assert.IsNull(body.OptionalString("absent"));
        Assert.IsTrue(body.IsValid);
        body.ThrowIfInvalid("unused");
    }

    [TestMethod]
    public async Task Every_problem_is_reported_with_its_target_path()
    {
        var body = await JsonBody.ReadAsync(
            Requests.WithBody("{\"id\":\"nope\",\"name\":5,\"kind\":\"x\",\"items\":[{\"a\":1},{\"a\":\"ok\"},3]}"),
            Code,
            CancellationToken.None);
        body.RequiredGuid("id");
        body.RequiredString("name");
        body.OptionalChoice("kind", ["User"]);
        body.RequiredString("missing");
        foreach (var item in body.RequiredObjectArray("items", 10)!)
        {
            item.RequiredString("a");
        }

        var e = Assert.ThrowsExactly<ApiException>(() => body.ThrowIfInvalid("bad"));
        Assert.AreEqual(Code, e.Code);
        CollectionAssert.AreEqual(
            new[] { "id", "name", "kind", "missing", "items[2]", "items[0].a" },
            e.Details!.Select(d => d.Target).ToArray());
        Assert.AreEqual(ErrorCodes.MissingRequiredProperty, e.Details!.Single(d => d.Target == "missing").Code);
    }

    [TestMethod]
    [DataRow("[]")]
    [DataRow("{}")]
    [DataRow("[1,2,3,4]")]
    public async Task Arrays_must_hold_one_to_max_items(string items)
    {
        var body = await JsonBody.ReadAsync(Requests.WithBody($"{{\"items\":{items}}}"), Code, CancellationToken.None);
        Assert.IsNull(body.RequiredObjectArray("items", 3));
        Assert.IsFalse(body.IsValid);
    }
}
