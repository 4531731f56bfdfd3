using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Sync.Testing;

namespace Sync.LocalHost.Tests;

/// <summary>
/// The local host as its own process, killed (SIGKILL) in the middle of a run's fan-out and started again: the
/// run resumes from its durable history and commits the changeset it would have pushed, exactly once.
/// </summary>
[TestClass]
public sealed class CrashSafetyTests
{
    private const int Files = 8;

    [TestMethod]
    [Timeout(420_000, CooperativeCancellation = true)]
    public async Task A_run_survives_a_killed_host_and_commits_exactly_once()
    {
        using var server = new LoopbackFileServer();
        for (int i = 0; i < Files; i++)
        {
            // Slow downloads keep the fan-out busy long enough to kill the host in the middle of it.
            server.Serve($"/f{i}.csv", $"Tag,V\nF{i}-1,{i}\nF{i}-2,{i}\n", TimeSpan.FromSeconds(2));
        }

        string[] args =
        [
            "--environment", "Development",
            "--urls", $"http://127.0.0.1:{LoopbackFileServer.FreePort()}",
            $"--Storage:ConnectionString={TestStorage.ConnectionString}",
            $"--Storage:Prefix={TestStorage.NewPrefix("k")}",
            $"--Durable:TaskHubName={TestStorage.NewPrefix("Crash")}",
            $"--Auth:DevSigningKey={RunningHost.DevKey}",
            "--Logging:LogLevel:Default=Warning",
            RunningHost.AllowLoopbackFileServer,
        ];
        var baseAddress = new Uri(args[3]);
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(2) };

        string runPath, iModelId;
        using (var first = StartHost(args))
        {
            await WaitHealthyAsync(http, first);
            var token = await (await http.PostAsJsonAsync("/dev/token", new { userId = "crash" })).Content.ReadFromJsonAsync<JsonElement>();
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.GetProperty("access_token").GetString());

            var iTwinId = (await JsonAsync(http.PostAsJsonAsync("/itwins", new { displayName = "crash" }))).GetProperty("iTwin").Str("id");
            iModelId = (await JsonAsync(http.PostAsJsonAsync("/imodels", new { iTwinId, name = "crash" }))).GetProperty("iModel").Str("id");
            string connection = (await JsonAsync(http.PostAsJsonAsync("/synchronization/imodels/manifestConnections", new
            {
                iModelId,
                sourceFiles = Enumerable.Range(0, Files).Select(i => new { sourceFileId = $"doc-{i}" }),
            }))).GetProperty("connection").Str("id");
            using var start = await http.PostAsJsonAsync($"/synchronization/imodels/manifestConnections/{connection}/runs", new
            {
                sourceFiles = Enumerable.Range(0, Files).Select(i => new { id = $"doc-{i}", name = $"f{i}.csv", url = server.Url($"/f{i}.csv"), connectorType = "PSEXCEL" }),
            });
            Assert.AreEqual(HttpStatusCode.Accepted, start.StatusCode);
            runPath = start.Headers.Location!.PathAndQuery;

            // Kill once the run reports its first files done (progress is written while it executes) and others remain.
            var deadline = DateTime.UtcNow.AddMinutes(1);
            JsonElement before;
            while ((before = (await JsonAsync(http.GetAsync(new Uri(runPath, UriKind.Relative)))).GetProperty("run")).GetProperty("filesDone").GetInt32() == 0)
            {
                Assert.IsLessThan(deadline, DateTime.UtcNow, $"no file of the run completed: {before}");
                await Task.Delay(50);
            }

            Assert.AreEqual("Executing", before.Str("state"), "the kill must land in the middle of the run");
            Assert.AreEqual(Files, before.GetProperty("filesTotal").GetInt32());
            Assert.IsLessThan(Files, before.GetProperty("filesDone").GetInt32(), "files remain when the host dies");
            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync();
        }

        using var second = StartHost(args);
        try
        {
            await WaitHealthyAsync(http, second);
            JsonElement run;
            var deadline = DateTime.UtcNow.AddMinutes(4);
            while ((run = (await JsonAsync(http.GetAsync(new Uri(runPath, UriKind.Relative)))).GetProperty("run")).Str("state") != "Completed")
            {
                Assert.IsLessThan(deadline, DateTime.UtcNow, $"the resumed run did not complete: {run}");
                await Task.Delay(500);
            }

            Assert.AreEqual("Success", run.Str("result"), run.ToString());
            Assert.AreEqual(1, run.GetProperty("changeset").GetProperty("index").GetInt32());
            var changesets = (await JsonAsync(http.GetAsync(new Uri($"/imodels/{iModelId}/changesets", UriKind.Relative)))).GetProperty("changesets");
            Assert.AreEqual(1, changesets.GetArrayLength(), "exactly one changeset");
            Assert.AreEqual(Files * 2, changesets[0].GetProperty("inserted").GetInt32());
            var elements = (await JsonAsync(http.GetAsync(new Uri($"/imodels/{iModelId}/elements", UriKind.Relative)))).GetProperty("elements");
            Assert.AreEqual(Files * 2, elements.GetArrayLength());
        }
        finally
        {
            second.Kill(entireProcessTree: true);
            await second.WaitForExitAsync();
        }
    }

    private static Process StartHost(string[] args)
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "Sync.LocalHost"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitHealthyAsync(HttpClient http, Process host)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            Assert.IsFalse(host.HasExited, "the local host process exited");
            try
            {
                using var response = await http.GetAsync(new Uri("/health", UriKind.Relative));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            Assert.IsLessThan(deadline, DateTime.UtcNow, "the local host did not become healthy");
            await Task.Delay(250);
        }
    }

    private static async Task<JsonElement> JsonAsync(Task<HttpResponseMessage> call)
    {
        using var response = await call;
        string text = await response.Content.ReadAsStringAsync();
        Assert.IsTrue(response.IsSuccessStatusCode, $"{response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
