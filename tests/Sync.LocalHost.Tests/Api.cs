using System.Net;
using System.Text.Json;

namespace Sync.LocalHost.Tests;

/// <summary>Small steps the API tests share: create an iModel, upload a file, read ids out of answers.</summary>
internal static class Api
{
    /// <summary>Creates an iTwin whose Owner is the host's test user.</summary>
    public static async Task<Guid> CreateITwinAsync(this RunningHost host, string displayName = "Site")
    {
        var (status, body) = await host.SendAsync(HttpMethod.Post, "/itwins", new { displayName });
        Assert.AreEqual(HttpStatusCode.Created, status, body.ToString());
        return body.GetProperty("iTwin").GetProperty("id").GetGuid();
    }

    /// <summary>Creates an iModel in <paramref name="iTwinId"/>, or in a new iTwin of the test user.</summary>
    public static async Task<(Guid ITwinId, string IModelId)> CreateIModelAsync(this RunningHost host, Guid? iTwinId = null, string name = "Plant")
    {
        var twin = iTwinId ?? await host.CreateITwinAsync();
        var (status, body) = await host.SendAsync(HttpMethod.Post, "/imodels", new { iTwinId = twin, name });
        Assert.AreEqual(HttpStatusCode.Created, status, body.ToString());
        return (twin, body.GetProperty("iModel").GetProperty("id").GetString()!);
    }

    public static async Task<JsonElement> UploadAsync(this RunningHost host, Guid iTwinId, string name, byte[] content)
    {
        using var bytes = new ByteArrayContent(content);
        var (status, body) = await host.SendAsync(HttpMethod.Post, $"/storage/files?iTwinId={iTwinId}&name={Uri.EscapeDataString(name)}", bytes);
        Assert.AreEqual(HttpStatusCode.Created, status, body.ToString());
        return body.GetProperty("file");
    }

    public static async Task<string> UploadIdAsync(this RunningHost host, Guid iTwinId, string name = "assets.csv") =>
        (await host.UploadAsync(iTwinId, name, "id,name\n1,pump\n"u8.ToArray())).GetProperty("id").GetString()!;

    public static async Task<string> CreateStorageConnectionAsync(this RunningHost host, string iModelId, params string[] storageFileIds)
    {
        var (status, body) = await host.SendAsync(HttpMethod.Post, "/synchronization/imodels/storageConnections", new
        {
            iModelId,
            displayName = "Assets",
            sourceFiles = storageFileIds.Select(id => new { storageFileId = id, connectorType = "PSEXCEL" }),
        });
        Assert.AreEqual(HttpStatusCode.Created, status, body.ToString());
        return body.GetProperty("connection").GetProperty("id").GetString()!;
    }

    /// <summary>Starts a run (POST to <paramref name="startPath"/>), expects 202, and returns the run once Completed.</summary>
    public static async Task<JsonElement> RunToCompletionAsync(this RunningHost host, string startPath, object? body = null)
    {
        var (status, location) = await host.PostForLocationAsync(startPath, body);
        Assert.AreEqual(HttpStatusCode.Accepted, status, $"starting {startPath}");
        return await host.WaitRunCompletedAsync(location!.PathAndQuery);
    }

    /// <summary>Polls a run (path of its URL) until it is Completed and returns it.</summary>
    /// <param name="configure">Changes each poll request (e.g. another caller's token).</param>
    public static Task<JsonElement> WaitRunCompletedAsync(this RunningHost host, string runPath, Action<HttpRequestMessage>? configure = null) =>
        host.WaitRunAsync(runPath, run => run.Str("state") == "Completed", configure);

    /// <summary>Polls a run (path of its URL) until <paramref name="condition"/> holds and returns it.</summary>
    public static async Task<JsonElement> WaitRunAsync(this RunningHost host, string runPath, Func<JsonElement, bool> condition, Action<HttpRequestMessage>? configure = null)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (true)
        {
            var (status, body) = await host.SendAsync(HttpMethod.Get, runPath, configure: configure);
            Assert.AreEqual(HttpStatusCode.OK, status, body.ToString());
            var run = body.GetProperty("run");
            if (condition(run))
            {
                return run;
            }

            Assert.IsLessThan(deadline, DateTime.UtcNow, $"the run did not get there in time: {run}");
            await Task.Delay(250);
        }
    }

    /// <summary>Every task of a run, across its jobs.</summary>
    public static List<JsonElement> RunTasks(this JsonElement run) =>
        run.GetProperty("jobs").EnumerateArray().SelectMany(j => j.GetProperty("tasks").EnumerateArray()).ToList();

    /// <summary>A changeset's (inserted, updated, deleted) counts.</summary>
    public static async Task<(int Inserted, int Updated, int Deleted)> ChangesetCountsAsync(this RunningHost host, string iModelId, int index)
    {
        var (status, body) = await host.SendAsync(HttpMethod.Get, $"/imodels/{iModelId}/changesets/{index}");
        Assert.AreEqual(HttpStatusCode.OK, status, body.ToString());
        var changeset = body.GetProperty("changeset");
        return (changeset.GetProperty("inserted").GetInt32(), changeset.GetProperty("updated").GetInt32(), changeset.GetProperty("deleted").GetInt32());
    }

    /// <summary>Holds an answer to the schema the OpenAPI document declares for the operation's success.</summary>
    public static async Task ConformsAsync(this RunningHost host, string operationId, JsonElement answer) =>
        (await OpenApiConformance.ForAsync(host.BaseAddress)).CheckSuccess(operationId, answer);

    public static string Str(this JsonElement element, string name) => element.GetProperty(name).GetString()!;

    public static void AssertError(this (HttpStatusCode Status, JsonElement Body) answer, HttpStatusCode status, string code)
    {
        Assert.AreEqual(status, answer.Status, answer.Body.ToString());
        var error = answer.Body.GetProperty("error");
        Assert.AreEqual(code, error.Str("code"), answer.Body.ToString());
        Assert.IsFalse(string.IsNullOrWhiteSpace(error.Str("message")));
    }

    public static IReadOnlyList<string?> Targets(this JsonElement errorBody) =>
        errorBody.GetProperty("error").GetProperty("details").EnumerateArray().Select(d => d.GetProperty("target").GetString()).ToList();
}
