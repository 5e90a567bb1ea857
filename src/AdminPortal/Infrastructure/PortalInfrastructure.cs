using AdminPortal.Components;
using AdminPortal.Infrastructure.Cluster;
using AdminPortal.Infrastructure.CommandLine;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Infrastructure.LiveUpdates;
using AdminPortal.Infrastructure.Operations;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using MudBlazor.Services;

namespace AdminPortal.Infrastructure;

/// <summary>What every slice shares: database, logging, error handling, health, the Blazor shell.</summary>
public static class PortalInfrastructure
{
    public static WebApplicationBuilder AddPortalInfrastructure(this WebApplicationBuilder builder)
    {
        if (!builder.Environment.IsDevelopment())
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddJsonConsole(o => o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z' ");
        }

        builder.Services.AddPortalDatabase(builder.Configuration);
        builder.Services.AddLiveUpdates();
        builder.Services.AddClusterWork();
        builder.Services.AddSharedDataProtection(builder.Configuration);
        builder.Services.AddPortalCommand<MigrateCommand>();
        builder.Services.AddPortalCommand<SeedDemoCommand>();

        builder.Services.AddProblemDetails();
        builder.Services.AddHealthChecks()
            .AddCheck<DatabaseReadinessCheck>("database", tags: ["ready"])
            .AddCheck<LiveUpdatesReadinessCheck>("live-updates", tags: ["ready"]);

        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        builder.Services.AddHttpContextAccessor();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddAuthorization();
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddScoped<Shell.PageReload>();
        return builder;
    }

    public static WebApplication UsePortalInfrastructure(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            // API callers get problem+json; people get the error page (never a stack trace outside Development).
            ExceptionHandler = async context =>
            {
                if (IsApiRequest(context.Request))
                {
                    var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
                    context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                    await problems.WriteAsync(new ProblemDetailsContext
                    {
                        HttpContext = context,
                        ProblemDetails = { Status = 500, Title = "An unexpected error occurred." },
                        Exception = app.Environment.IsDevelopment() ? context.Features.Get<IExceptionHandlerFeature>()?.Error : null,
                    });
                }
                else
                {
                    context.Response.Redirect("/Error");
                }
            },
        });

        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }

        // People get the not-found page; API callers get problem+json from the inner handler, which answers first.
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.UseWhen(context => IsApiRequest(context.Request), branch => branch.UseStatusCodePages());

        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/readyz", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains("ready"),
            ResultStatusCodes = { [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable },
        }).AllowAnonymous();
        return app;
    }

    /// <summary>Maps the Blazor pages; call after every slice has mapped its endpoints.</summary>
    public static WebApplication MapPortalShell(this WebApplication app)
    {
        app.UseAntiforgery();
        // Scripts, styles and images are public: the sign-in page needs them before anyone is signed in.
        app.MapStaticAssets().AllowAnonymous();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }

    public static bool IsApiRequest(HttpRequest request) => request.Path.StartsWithSegments("/api");
}
