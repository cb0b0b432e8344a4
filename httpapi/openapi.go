package httpapi

import (
	_ "embed"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/goccy/go-yaml"
)

// openAPIYAML is the OpenAPI 3.1 description of every route
// (openapi.yaml), kept next to the handlers and checked against their
// real responses by openapi_test.go.
//
//go:embed openapi.yaml
var openAPIYAML []byte

// OpenAPI returns the API description as JSON, as GET /api/openapi.json
// serves it.
func OpenAPI() ([]byte, error) {
	b, err := yaml.YAMLToJSON(openAPIYAML)
	if err != nil {
		return nil, fmt.Errorf("openapi.yaml: %w", err)
	}
	return b, nil
}

// specRoutes serves the API description at /api/openapi.json, open to
// every client (it holds no data). The embedded file is converted once; it
// cannot fail to convert unless the file is broken, which TestOpenAPISpec
// catches (the route would then answer 500).
func (s *Server) specRoutes(r *gin.Engine) {
	spec, err := OpenAPI()
	r.GET("/api/openapi.json", func(c *gin.Context) {
		if err != nil {
			fail(c, err)
			return
		}
		c.Header("Cache-Control", "public, max-age=3600")
		c.Data(http.StatusOK, "application/json; charset=utf-8", spec)
	})
}
