using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Sync.Http.Infrastructure;

namespace Sync.Http.Tests;

[TestClass]
public sealed class ApiResultTests
{
    [TestMethod]
    public async Task Errors_are_written_in_the_api_error_format()
    {
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        var result = ApiResult.Error(HttpStatusCode.UnprocessableEntity, "InvalidThing", "Bad thing & more", details: [new ApiErrorDetail("InvalidValue", "no", "a.b")]);
        await result.ExecuteAsync(context);

        Assert.AreEqual(422, context.Response.StatusCode);
        StringAssert.StartsWith(context.Response.ContentType, "application/json");
        context.Response.Body.Position = 0;
        var error = JsonDocument.Parse(context.Response.Body).RootElement.GetProperty("error");
        Assert.AreEqual("InvalidThing", error.GetProperty("code").GetString());
        Assert.AreEqual("Bad thing & more", error.GetProperty("message").GetString());
        Assert.IsFalse(error.TryGetProperty("target", out _), "null fields are left out");
        Assert.AreEqual("a.b", error.GetProperty("details")[0].GetProperty("target").GetString());
    }

    [TestMethod]
    public async Task Created_sets_location_and_no_content_writes_nothing()
    {
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        await ApiResult.Created(new { a = 1 }, "http://x/a/1").ExecuteAsync(context);
        Assert.AreEqual(201, context.Response.StatusCode);
        Assert.AreEqual("http://x/a/1", context.Response.Headers.Location.ToString());

        var empty = new DefaultHttpContext();
        empty.Response.Body = new MemoryStream();
        await ApiResult.NoContent().ExecuteAsync(empty);
        Assert.AreEqual(204, empty.Response.StatusCode);
        Assert.AreEqual(0, empty.Response.Body.Length);
    }

    [TestMethod]
    public void Timestamps_are_utc_with_seven_fraction_digits()
    {
        var value = new DateTimeOffset(2026, 11, 27, 19, 5, 13, TimeSpan.FromHours(1)).AddTicks(1234567);
        Assert.AreEqual("2026-11-27T18:05:13.1234567Z", ApiJson.Timestamp(value));
    }
}
