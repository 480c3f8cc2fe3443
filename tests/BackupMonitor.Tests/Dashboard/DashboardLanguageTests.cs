using System.Net;
using BackupMonitor.Dashboard;
using BackupMonitor.Tests.Api;

namespace BackupMonitor.Tests.Dashboard;

/// <summary>English or French: the browser's Accept-Language first, then the switch on every page (a cookie).</summary>
public sealed class DashboardLanguageTests
{
    [Theory]
    [InlineData(null, null)]
    [InlineData("fr-FR,fr;q=0.9,en;q=0.8", "fr")]
    [InlineData("fr-CA", "fr")]
    [InlineData("de-DE,fr;q=0.7,en;q=0.5", "fr")]
    [InlineData("de-DE,en;q=0.7,fr;q=0.5", "en")]
    [InlineData("en;q=0.2,fr;q=0.9", "fr")]
    [InlineData("fr;q=0,en", "en")]
    [InlineData("de", null)]
    [InlineData("garbage;;,", null)]
    public void Accept_language_picks_the_best_supported_language(string? header, string? expected) =>
        Assert.Equal(expected, DashboardSetup.FromAcceptLanguage(header)?.UICultures.Single().Value);

    [Fact]
    public async Task A_French_browser_gets_French_pages()
    {
        await using var host = await DashboardTestHost.StartAsync();
        var jobs = await DashboardSeed.EstateAsync(host);
        var signIn = await host.NewBrowser("fr-FR,fr;q=0.9").PageAsync("/signin");
        Assert.Contains("<html lang=\"fr\">", signIn);
        Assert.Contains("<label for=\"api-key\">Clé d&#x27;API</label>", signIn);

        var browser = await host.SignedInAsync(ApiTestHost.FullKey, "fr-FR,fr;q=0.9");
        var overview = await browser.PageAsync("/");
        Assert.Contains("<h1>Vue d&#x27;ensemble</h1>", overview);
        Assert.Contains("<span class=\"badge st-hash-mismatch\">Empreinte non conforme</span>", overview);
        Assert.Contains("Lancer une analyse maintenant", overview);
        Assert.Contains("5 tâches affichées sur 5", overview);
        Assert.Contains("Désactiver cette tâche", await browser.PageAsync($"/jobs/{jobs["sales"].Id}"));
        Assert.Contains("Dernière erreur", await browser.PageAsync("/notifications"));
    }

    [Fact]
    public async Task The_switch_remembers_the_choice_and_returns_to_the_same_page()
    {
        await using var host = await DashboardTestHost.StartAsync();
        await DashboardSeed.EstateAsync(host);
        var browser = await host.SignedInAsync(ApiTestHost.ReadKey, "fr");
        var overview = await browser.PageAsync("/?status=failed");
        Assert.Contains("<a href=\"/language?lang=en&amp;returnUrl=%2F%3Fstatus%3Dfailed\" lang=\"en\" hreflang=\"en\">English</a>", overview);

        var response = await browser.GetAsync("/language?lang=en&returnUrl=%2F%3Fstatus%3Dfailed");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/?status=failed", response.Headers.Location!.OriginalString);
        var english = await browser.PageAsync("/?status=failed");
        Assert.Contains("<html lang=\"en\">", english);
        Assert.Contains("<h1>Overview</h1>", english);

        Assert.Equal("/", (await browser.GetAsync("/language?lang=fr&returnUrl=https%3A%2F%2Fevil.example")).Headers.Location!.OriginalString);
        Assert.Contains("<html lang=\"fr\">", await browser.PageAsync("/"));
        await browser.GetAsync("/language?lang=xx");
        Assert.Contains("<html lang=\"fr\">", await browser.PageAsync("/"));
    }
}
