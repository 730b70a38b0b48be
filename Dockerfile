# Concord as a container: the SDK image builds, the chiseled ASP.NET runtime image (no shell, no package manager,
# non-root "app" user, uid 1654) runs. Build: docker build -t concord .   Run: see deploy/compose.yaml; alone, on
# SQLite: docker run -p 8080:8080 -v concord-data:/home/app concord (the database file lives in the app user's home).

# The web client (web/), when the repository has one, is built with Node (npm run build → web/dist) and copied into
# the app's wwwroot; serving it is the app's part (static files), not the image's.
# The whole context is copied because COPY fails on a missing folder; .dockerignore keeps it small.
FROM node:22-bookworm-slim AS web
COPY . /repo
WORKDIR /repo/web
RUN mkdir -p /web/dist && if [ -f package.json ]; then npm ci --no-audit --no-fund && npm run build && cp -r dist/. /web/dist/; fi

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props Concord.slnx ./
COPY src/Concord.SocketIO/Concord.SocketIO.csproj src/Concord.SocketIO/
COPY src/Concord.Server/Concord.Server.csproj src/Concord.Server/
RUN dotnet restore src/Concord.Server/Concord.Server.csproj
COPY src/ src/
RUN dotnet publish src/Concord.Server/Concord.Server.csproj -c Release -o /app --no-restore /p:UseAppHost=false
COPY --from=web /web/dist/ /app/wwwroot/

FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled AS runtime
WORKDIR /app
COPY --from=build /app ./
# Non-root (the chiseled image's "app" user); 8080 serves clients, 9464 is the metrics port (Metrics__Port).
USER app
ENV ASPNETCORE_URLS=http://+:8080 \
    ASPNETCORE_ENVIRONMENT=Production \
    Metrics__Port=9464 \
    ConnectionStrings__Sqlite="Data Source=/home/app/concord.db"
EXPOSE 8080 9464
# No shell or curl in a chiseled image: the app probes itself (dotnet Concord.Server.dll --health-check).
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD ["dotnet", "Concord.Server.dll", "--health-check", "http://127.0.0.1:8080/health/live"]
ENTRYPOINT ["dotnet", "Concord.Server.dll"]
