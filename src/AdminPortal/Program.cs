using AdminPortal.Features.Audit;
using AdminPortal.Features.Dashboard;
using AdminPortal.Features.Fraud;
using AdminPortal.Features.Merchants;
using AdminPortal.Infrastructure;
using AdminPortal.Infrastructure.CommandLine;
using AdminPortal.Infrastructure.Database;

var builder = WebApplication.CreateBuilder(args);

builder.AddPortalInfrastructure();
builder.AddAudit();
builder.AddDashboard();
builder.AddMerchants();
builder.AddFraud();

var app = builder.Build();

if (PortalCommandLine.IsCommand(args))
{
    return await app.RunPortalCommandAsync(args);
}

await app.MigrateDatabaseAsync();
app.UsePortalInfrastructure();
app.MapMerchants();
app.MapFraud();
app.MapPortalShell();

await app.RunAsync();
return 0;

/// <summary>Entry point type, public so integration tests can host the portal.</summary>
public partial class Program;
