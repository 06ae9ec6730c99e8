package forecast_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestForecast(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Forecast Suite")
}
